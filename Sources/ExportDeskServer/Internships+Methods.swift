import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Support

/// institutions.* and agreements.*: the internship programme's partners (SPEC §6).
struct InternshipMethods {
    let db: Persistence

    /// The programme's people read all; an institution token reads its own institution and agreements.
    static let readers = AccessRule.roles([.admin, .staff, .viewer, .institution])

    func register(in registry: inout MethodSet) {
        let db = self.db

        registry.registerWrite("institutions.create", Params.InstitutionsCreate.self, db: db) { ctx, p in
            Stored(try InstitutionRepository.create(ctx, p))
        }
        registry.registerUpdate("institutions.update", Params.InstitutionsUpdate.self, db: db) {
            ctx, id, patch, version in
            Stored(try InstitutionRepository.update(ctx, id: id, patch: patch, expectedVersion: version))
        }
        registry.registerWrite(
            "institutions.archive", Params.InstitutionsArchive.self, db: db, effect: .destructiveWrite
        ) { ctx, p in
            Stored(
                try InstitutionRepository.transition(ctx, verb: "archive", id: p.id, expectedVersion: p.expectedVersion)
            )
        }
        registry.registerWrite("institutions.restore", Params.InstitutionsRestore.self, db: db) { ctx, p in
            Stored(
                try InstitutionRepository.transition(ctx, verb: "restore", id: p.id, expectedVersion: p.expectedVersion)
            )
        }
        registry.registerInline("institutions.get", Params.InstitutionsGet.self, access: Self.readers) { ctx, p in
            try ctx.requireVisible(institutionID: p.id, entity: "institution", id: p.id)
            return try db.readNow { conn in try InstitutionRepository.records.stored(conn, id: p.id) }
        }
        registry.register("institutions.list", Params.InstitutionsList.self, access: Self.readers) { ctx, p in
            let only = ctx.institutionScope
            return try await db.read { conn in try InstitutionRepository.list(conn, p, only: only) }
        }

        registry.registerWrite("agreements.create", Params.AgreementsCreate.self, db: db) { ctx, p in
            Stored(try AgreementRepository.create(ctx, p))
        }
        registry.registerUpdate("agreements.update", Params.AgreementsUpdate.self, db: db) { ctx, id, patch, version in
            Stored(try AgreementRepository.update(ctx, id: id, patch: patch, expectedVersion: version))
        }
        registry.registerWrite(
            "agreements.terminate", Params.AgreementsTerminate.self, db: db, effect: .destructiveWrite
        ) { ctx, p in
            Stored(
                try AgreementRepository.terminate(
                    ctx, id: p.id, reason: p.reason, effectiveOn: p.effectiveOn, expectedVersion: p.expectedVersion))
        }
        registry.registerGet(
            "agreements.get", Params.AgreementsGet.self, AgreementRepository.records, db: db, access: Self.readers)
        registry.register("agreements.list", Params.AgreementsList.self, access: Self.readers) { ctx, p in
            let only = ctx.institutionScope
            let day = WallClock.today
            return try await db.read { conn in
                try AgreementRepository.list(conn, p, today: day, onlyInstitution: only)
            }
        }
    }
}
