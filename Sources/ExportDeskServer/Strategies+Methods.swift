import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC

/// strategies.*: personal export strategies (SPEC §5).
struct StrategyMethods {
    let db: Persistence

    static let readers = AccessRule.programmeAndCompany

    func register(in registry: inout MethodSet) {
        let db = self.db
        registry.registerWrite("strategies.create", db: db) { ctx, p in try StrategyRepository.create(ctx, fields: p) }
        registry.registerUpdate("strategies.update", db: db, StrategyRepository.update)
        for (name, effect) in [("strategies.approve", MethodEffect.write), ("strategies.complete", .write), ("strategies.archive", .destructiveWrite)] {
            let verb = name.verb
            registry.registerWrite(name, db: db, effect: effect) { ctx, p in try StrategyRepository.transition(ctx, verb: verb, id: p.recordID, expectedVersion: p.expectedVersion) }
        }
        registry.registerWrite("strategies.revise", db: db) { ctx, p in try StrategyRepository.revise(ctx, id: p.recordID) }
        registry.registerWrite("strategies.recordActual", db: db) { ctx, p in
            try StrategyRepository.recordActual(ctx, id: p.recordID, metric: p["metric"]?.stringValue ?? "", year: p["year"]?.int64Value ?? 0,
                                                value: p["value"] ?? .null, expectedVersion: p.expectedVersion)
        }
        registry.register(RPCMethod(name: "strategies.get", handler: .sync { ctx, p in
            let id = p.recordID
            let record = try db.readNow { conn in .object(try StrategyRepository.records.get(conn, id: id)) }
            try ctx.requireVisible(companyID: record["companyId"]?.stringValue, entity: "strategy", id: id)
            return record
        }), access: Self.readers)
        registry.register(RPCMethod(name: "strategies.progress", handler: .async { ctx, p in
            let id = p.recordID
            return try await db.read { conn in
                let record = try StrategyRepository.records.get(conn, id: id)
                try ctx.requireVisible(companyID: record["companyId"]?.stringValue, entity: "strategy", id: id)
                return try StrategyRepository.progress(conn, id: id)
            }
        }), access: Self.readers)
        registry.register(RPCMethod(name: "strategies.list", handler: .async { ctx, p in
            let only = ctx.companyScope
            return try await db.read { conn in try StrategyRepository.list(conn, try TypedRecords.params(Params.StrategiesList.self, p.objectValue ?? [:]), onlyCompany: only) }
        }), access: Self.readers)
    }
}
