import ExportDeskCore
import JSON
import JSONRPC

/// reports.summary and reports.events (SPEC §9).
struct ReportMethods {
    let db: Persistence

    /// The programme's figures are for its people; partner-scoped reports come with the internship issue.
    static let readers = AccessRule.roles([.admin, .staff, .viewer])

    func register(in registry: inout MethodSet) {
        let db = self.db
        registry.register(RPCMethod(name: "reports.summary", handler: .async { _, p in
            try await db.read { conn in try Reports.summary(conn, params: p) }
        }), access: Self.readers)
        registry.register(RPCMethod(name: "reports.events", handler: .async { _, p in
            try await db.read { conn in try Reports.events(conn, params: p) }
        }), access: Self.readers)
    }
}
