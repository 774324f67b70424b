import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Support

/// reports.summary, reports.events, reports.requests and reports.internships (SPEC §9). A partner's
/// reports.internships counts only its own data. The report builders count in SQL and write their figures as
/// JSON; each answer is read into its generated result type here, so a figure the schema does not have is a
/// bug found at once (INTERNAL, logged), never sent.
struct ReportMethods {
    let db: Persistence

    /// The programme's figures are for its people; partner-scoped reports come with the internship issue.
    static let readers = AccessRule.roles([.admin, .staff, .viewer])

    func register(in registry: inout MethodSet) {
        let db = self.db
        registry.register("reports.summary", Params.ReportsSummary.self, access: Self.readers) { _, p in
            try await db.read { conn in
                try TypedRecords.decode(Results.ReportsSummary.self, try Reports.summary(conn, params: p.json))
            }
        }
        registry.register("reports.internships", Params.ReportsInternships.self, access: PlacementMethods.everyone) {
            ctx, p in
            let scope = Reports.InternshipScope(
                institutionID: ctx.institutionScope, companyID: ctx.companyScope, today: WallClock.today)
            return try await db.read { conn in
                try TypedRecords.decode(
                    Results.ReportsInternships.self, try Reports.internships(conn, params: p.json, scope: scope))
            }
        }
        registry.register("reports.requests", Params.ReportsRequests.self, access: Self.readers) { _, p in
            try await db.read { conn in
                try TypedRecords.decode(Results.ReportsRequests.self, try RequestReport.build(conn, params: p.json))
            }
        }
        registry.register("reports.events", Params.ReportsEvents.self, access: Self.readers) { _, p in
            try await db.read { conn in
                try Reports.events(conn, p)
            }
        }
    }
}
