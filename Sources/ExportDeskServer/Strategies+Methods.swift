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
        registry.registerWrite("strategies.create", Params.StrategiesCreate.self, db: db) { ctx, p in
            Stored(try StrategyRepository.create(ctx, p))
        }
        registry.registerUpdate("strategies.update", Params.StrategiesUpdate.self, db: db) { ctx, id, patch, version in
            Stored(try StrategyRepository.update(ctx, id: id, patch: patch, expectedVersion: version))
        }
        registry.registerWrite("strategies.approve", Params.StrategiesApprove.self, db: db) { ctx, p in
            Stored(
                try StrategyRepository.transition(ctx, verb: "approve", id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite("strategies.complete", Params.StrategiesComplete.self, db: db) { ctx, p in
            Stored(
                try StrategyRepository.transition(ctx, verb: "complete", id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite("strategies.archive", Params.StrategiesArchive.self, db: db, effect: .destructiveWrite) {
            ctx, p in
            Stored(
                try StrategyRepository.transition(ctx, verb: "archive", id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite("strategies.revise", Params.StrategiesRevise.self, db: db) { ctx, p in
            Stored(try StrategyRepository.revise(ctx, id: p.id))
        }
        registry.registerWrite("strategies.recordActual", Params.StrategiesRecordActual.self, db: db) { ctx, p in
            Stored(
                try StrategyRepository.recordActual(
                    ctx, id: p.id, metric: p.metric.rawValue, year: p.year, value: .number(p.value),
                    expectedVersion: p.expectedVersion))
        }
        registry.registerGet(
            "strategies.get", Params.StrategiesGet.self, StrategyRepository.records, db: db, access: Self.readers)
        registry.register("strategies.progress", Params.StrategiesProgress.self, access: Self.readers) { ctx, p in
            let policy = ctx.policy
            return try await db.read { conn in
                _ = try StrategyRepository.records.visible(conn, id: p.id, to: policy)
                return try StrategyRepository.progress(conn, id: p.id)
            }
        }
        registry.register("strategies.list", Params.StrategiesList.self, access: Self.readers) { ctx, p in
            let only = ctx.companyScope
            return try await db.read { conn in try StrategyRepository.list(conn, p, onlyCompany: only) }
        }
    }
}
