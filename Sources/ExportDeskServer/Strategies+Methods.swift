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
        registry.registerWrite("strategies.approve", Params.StrategiesApprove.self, db: db) { ctx, p in
            try StrategyRepository.transition(ctx, verb: "approve", id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.registerWrite("strategies.complete", Params.StrategiesComplete.self, db: db) { ctx, p in
            try StrategyRepository.transition(ctx, verb: "complete", id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.registerWrite("strategies.archive", Params.StrategiesArchive.self, db: db, effect: .destructiveWrite) {
            ctx, p in
            try StrategyRepository.transition(ctx, verb: "archive", id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.registerWrite("strategies.revise", Params.StrategiesRevise.self, db: db) { ctx, p in
            try StrategyRepository.revise(ctx, id: p.id)
        }
        registry.registerWrite("strategies.recordActual", Params.StrategiesRecordActual.self, db: db) { ctx, p in
            try StrategyRepository.recordActual(
                ctx, id: p.id, metric: p.metric.rawValue, year: p.year, value: .number(p.value),
                expectedVersion: p.expectedVersion)
        }
        registry.registerGet("strategies.get", StrategyRepository.records, db: db, access: Self.readers)
        registry.register(
            ServerMethod(
                name: "strategies.progress",
                handler: .async { ctx, p in
                    let id = p.recordID
                    let policy = ctx.policy
                    return try await db.read { conn in
                        _ = try StrategyRepository.records.visible(conn, id: id, to: policy)
                        return try StrategyRepository.progress(conn, id: id)
                    }
                }), access: Self.readers)
        registry.register(
            ServerMethod(
                name: "strategies.list",
                handler: .async { ctx, p in
                    let only = ctx.companyScope
                    return try await db.read { conn in
                        try StrategyRepository.list(
                            conn, try TypedRecords.params(Params.StrategiesList.self, p.objectValue ?? [:]),
                            onlyCompany: only)
                    }
                }), access: Self.readers)
    }
}
