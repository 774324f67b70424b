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

        registry.registerWrite("institutions.create", db: db) { ctx, p in
            try InstitutionRepository.create(ctx, fields: p)
        }
        registry.registerUpdate("institutions.update", db: db, InstitutionRepository.update)
        registry.registerWrite(
            "institutions.archive", Params.InstitutionsArchive.self, db: db, effect: .destructiveWrite
        ) { ctx, p in
            try InstitutionRepository.transition(ctx, verb: "archive", id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.registerWrite("institutions.restore", Params.InstitutionsRestore.self, db: db) { ctx, p in
            try InstitutionRepository.transition(ctx, verb: "restore", id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.register(
            ServerMethod(
                name: "institutions.get",
                handler: .sync { ctx, p in
                    let id = p.recordID
                    try ctx.requireVisible(institutionID: id, entity: "institution", id: id)
                    return try db.readNow { conn in .object(try InstitutionRepository.records.get(conn, id: id)) }
                }), access: Self.readers)
        registry.register(
            ServerMethod(
                name: "institutions.list",
                handler: .async { ctx, p in
                    let only = ctx.institutionScope
                    return try await db.read { conn in
                        try InstitutionRepository.list(
                            conn, try TypedRecords.params(Params.InstitutionsList.self, p.objectValue ?? [:]),
                            only: only)
                    }
                }), access: Self.readers)

        registry.registerWrite("agreements.create", db: db) { ctx, p in try AgreementRepository.create(ctx, fields: p) }
        registry.registerUpdate("agreements.update", db: db, AgreementRepository.update)
        registry.registerWrite(
            "agreements.terminate", Params.AgreementsTerminate.self, db: db, effect: .destructiveWrite
        ) { ctx, p in
            try AgreementRepository.terminate(
                ctx, id: p.id, reason: p.reason, effectiveOn: p.effectiveOn, expectedVersion: p.expectedVersion)
        }
        registry.registerGet("agreements.get", AgreementRepository.records, db: db, access: Self.readers)
        registry.register(
            ServerMethod(
                name: "agreements.list",
                handler: .async { ctx, p in
                    let only = ctx.institutionScope
                    let day = WallClock.today
                    return try await db.read { conn in
                        try AgreementRepository.list(
                            conn, try TypedRecords.params(Params.AgreementsList.self, p.objectValue ?? [:]), today: day,
                            onlyInstitution: only)
                    }
                }), access: Self.readers)
    }
}
