import Dispatch
import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Storage

/// placements.*, and the registration of the internship programme's daily work and its partner sync
/// (offers, students and sync.push each in their own file; SPEC §6, §7). Scoping for institution and company
/// tokens is checked inside the write transaction (through WriteContext.principal) and on every read.
struct PlacementMethods {
    let db: Persistence
    let catalog: SchemaCatalog

    static let everyone = AccessRule.roles([.admin, .staff, .viewer, .institution, .company])
    static let programmeAndInstitution = AccessRule.roles([.admin, .staff, .institution])
    static let programmeAndHost = AccessRule.roles([.admin, .staff, .company])
    static let bothSides = AccessRule.roles([.admin, .staff, .institution, .company])

    func register(in registry: inout MethodSet) {
        registerOffers(in: &registry)
        registerStudents(in: &registry)
        registerPlacements(in: &registry)
        registerSync(in: &registry)
    }

    func registerPlacements(in registry: inout MethodSet) {
        let db = self.db
        registry.registerWrite(
            "placements.propose", Params.PlacementsPropose.self, db: db, access: Self.programmeAndInstitution
        ) { ctx, p in
            Stored(try PlacementRepository.propose(ctx, p))
        }
        registry.registerUpdate(
            "placements.update", Params.PlacementsUpdate.self, db: db, access: Self.programmeAndInstitution
        ) { ctx, id, patch, version in
            Stored(try PlacementRepository.update(ctx, id: id, patch: patch, expectedVersion: version))
        }
        registry.registerWrite(
            "placements.upsert", Params.PlacementsUpsert.self, db: db, access: Self.programmeAndInstitution,
            effect: .idempotentWrite
        ) { ctx, p in
            let (outcome, record) = try PlacementRepository.upsert(
                ctx, fields: p.json.objectValue ?? [:], expectedVersion: p.expectedVersion)
            return Results.PlacementsUpsert(
                outcome: try TypedRecords.decode(Results.PlacementsUpsert.Outcome.self, .string(outcome.rawValue)),
                record: try PlacementRepository.records.typed(record))
        }
        registry.registerWrite(
            "placements.confirm", Params.PlacementsConfirm.self, db: db, access: Self.programmeAndHost
        ) { ctx, p in
            Stored(try PlacementRepository.confirm(ctx, p))
        }
        registry.registerWrite("placements.start", Params.PlacementsStart.self, db: db, access: Self.programmeAndHost) {
            ctx, p in
            Stored(try PlacementRepository.start(ctx, p))
        }
        registry.registerWrite(
            "placements.complete", Params.PlacementsComplete.self, db: db, access: Self.programmeAndHost
        ) { ctx, p in
            Stored(try PlacementRepository.complete(ctx, p))
        }
        registry.registerWrite(
            "placements.terminate", Params.PlacementsTerminate.self, db: db, access: Self.programmeAndHost,
            effect: .destructiveWrite
        ) { ctx, p in
            Stored(try PlacementRepository.terminate(ctx, p))
        }
        registry.registerWrite(
            "placements.cancel", Params.PlacementsCancel.self, db: db, access: Self.bothSides, effect: .destructiveWrite
        ) { ctx, p in
            Stored(try PlacementRepository.cancel(ctx, p))
        }
        registry.registerGet(
            "placements.get", Params.PlacementsGet.self, PlacementRepository.records, db: db, access: Self.everyone)
        registry.register("placements.list", Params.PlacementsList.self, access: Self.everyone) { ctx, p in
            let institution = ctx.institutionScope
            let company = ctx.companyScope
            return try await db.read { conn in
                try PlacementRepository.list(conn, p, onlyInstitution: institution, onlyCompany: company)
            }
        }
    }

    /// sync.push: up to 1,000 upserts in one transaction. Each item's `data` is checked against its upsert's
    /// schema on its own. Without `atomic` every item stands alone (a failed item leaves nothing of itself
    /// and the rest apply); with it, the first failure is the call's error with `data.index`.

}
