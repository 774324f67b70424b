import ExportDeskCore
import JSON
import JSONRPC
import Support

/// reports.summary, reports.events and reports.internships (SPEC §9). A partner's reports.internships counts
/// only its own data.
struct ReportMethods {
    let db: Persistence

    /// The programme's figures are for its people; partner-scoped reports come with the internship issue.
    static let readers = AccessRule.roles([.admin, .staff, .viewer])

    func register(in registry: inout MethodSet) {
        let db = self.db
        registry.register(
            ServerMethod(
                name: "reports.summary",
                handler: .async { _, p in
                    try await db.read { conn in try Reports.summary(conn, params: p) }
                }), access: Self.readers)
        registry.register(
            ServerMethod(
                name: "reports.internships",
                handler: .async { ctx, p in
                    let scope = Reports.InternshipScope(
                        institutionID: ctx.institutionScope, companyID: ctx.companyScope, today: WallClock.today)
                    return try await db.read { conn in try Reports.internships(conn, params: p, scope: scope) }
                }), access: PlacementMethods.everyone)
        registry.register(
            ServerMethod(
                name: "reports.requests",
                handler: .async { _, p in
                    try await db.read { conn in try RequestReport.build(conn, params: p) }
                }), access: Self.readers)
        registry.register(
            ServerMethod(
                name: "reports.events",
                handler: .async { _, p in
                    try await db.read { conn in try Reports.events(conn, params: p) }
                }), access: Self.readers)
    }
}
