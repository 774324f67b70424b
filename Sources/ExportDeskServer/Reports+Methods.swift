import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Support

/// reports.summary, reports.events, reports.requests and reports.internships (SPEC §9). A partner's
/// reports.internships counts only its own data.
struct ReportMethods {
    let db: Persistence

    /// The programme's figures are for its people; partner-scoped reports come with the internship issue.
    static let readers = AccessRule.roles([.admin, .staff, .viewer])

    func register(in registry: inout MethodSet) {
        let db = self.db
        registry.register("reports.summary", Params.ReportsSummary.self, access: Self.readers) { _, p in
            try await db.read { conn in try Reports.summary(conn, p) }
        }
        registry.register("reports.internships", Params.ReportsInternships.self, access: PlacementMethods.everyone) {
            ctx, p in
            let scope = Reports.InternshipScope(
                institutionID: ctx.institutionScope, companyID: ctx.companyScope, today: WallClock.today)
            return try await db.read { conn in try Reports.internships(conn, p, scope: scope) }
        }
        registry.register("reports.requests", Params.ReportsRequests.self, access: Self.readers) { _, p in
            try await db.read { conn in try RequestReport.build(conn, p) }
        }
        registry.register("reports.events", Params.ReportsEvents.self, access: Self.readers) { _, p in
            try await db.read { conn in try Reports.events(conn, p) }
        }
    }
}
