import ExportDeskCore
import JSON
import JSONRPC

/// strategies.*: personal export strategies (SPEC §5).
struct StrategyMethods {
    let db: Persistence

    static let readers = AccessRule.roles([.admin, .staff, .viewer, .company])

    func register(in registry: inout MethodSet) {
        let db = self.db
        func write(_ name: String, _ body: @escaping @Sendable (WriteContext, JSONObject) throws -> JSONValue) {
            registry.registerWrite(name, db: db, access: .staffOnly, body)
        }
        write("strategies.create") { ctx, p in try StrategyRepository.create(ctx, fields: p) }
        write("strategies.update") { ctx, p in
            try StrategyRepository.update(ctx, id: p.recordID, patch: p["patch"]?.objectValue ?? JSONObject(), expectedVersion: p.expectedVersion)
        }
        for verb in ["approve", "complete", "archive"] {
            write("strategies.\(verb)") { ctx, p in try StrategyRepository.transition(ctx, verb: verb, id: p.recordID, expectedVersion: p.expectedVersion) }
        }
        write("strategies.revise") { ctx, p in try StrategyRepository.revise(ctx, id: p.recordID) }
        write("strategies.recordActual") { ctx, p in
            try StrategyRepository.recordActual(ctx, id: p.recordID, metric: p["metric"]?.stringValue ?? "", year: p["year"]?.int64Value ?? 0,
                                                value: p["value"] ?? .null, expectedVersion: p.expectedVersion)
        }
        /// A company token reads its own company's strategies only; others are NOT_FOUND.
        @Sendable func visible(_ record: JSONObject, _ ctx: RPCContext, _ id: String) throws {
            if let principal = ctx.principal, principal.role == .company, record["companyId"]?.stringValue != principal.companyID {
                throw RPCError.notFound(entity: "strategy", id: id)
            }
        }
        registry.register(RPCMethod(name: "strategies.get", handler: .sync { ctx, p in
            let id = p["id"]?.stringValue ?? ""
            let record = try db.readNow { conn in .object(try StrategyRepository.records.get(conn, id: id)) }
            try visible(record.objectValue ?? [:], ctx, id)
            return record
        }), access: Self.readers)
        registry.register(RPCMethod(name: "strategies.progress", handler: .async { ctx, p in
            let id = p["id"]?.stringValue ?? ""
            return try await db.read { conn in
                try visible(try StrategyRepository.records.get(conn, id: id), ctx, id)
                return try StrategyRepository.progress(conn, id: id)
            }
        }), access: Self.readers)
        registry.register(RPCMethod(name: "strategies.list", handler: .async { ctx, p in
            let only = ctx.principal?.role == .company ? (ctx.principal?.companyID ?? "") : nil
            return try await db.read { conn in try StrategyRepository.list(conn, params: p, onlyCompany: only) }
        }), access: Self.readers)
    }
}
