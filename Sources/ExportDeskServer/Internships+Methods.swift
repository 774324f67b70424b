import ExportDeskCore
import JSON
import JSONRPC

/// institutions.* and agreements.*: the internship programme's partners (SPEC §6).
struct InternshipMethods {
    let db: Persistence

    /// The programme's people read all; an institution token reads its own institution and agreements.
    static let readers = AccessRule.roles([.admin, .staff, .viewer, .institution])

    func register(in registry: inout MethodSet) {
        let db = self.db
        func write(_ name: String, _ body: @escaping @Sendable (WriteContext, JSONObject) throws -> JSONValue) {
            registry.registerWrite(name, db: db, access: .staffOnly, body)
        }
        @Sendable func today() -> String { String(WallClock.rfc3339(WallClock.nowMillis).prefix(10)) }
        /// An institution token sees only its own institution's records; others are NOT_FOUND.
        @Sendable func visible(_ institutionID: String?, _ ctx: RPCContext, entity: String, id: String) throws {
            if let p = ctx.principal, p.role == .institution, institutionID != p.institutionID {
                throw RPCError.notFound(entity: entity, id: id)
            }
        }

        write("institutions.create") { ctx, p in try InstitutionRepository.create(ctx, fields: p) }
        write("institutions.update") { ctx, p in
            try InstitutionRepository.update(ctx, id: p.recordID, patch: p["patch"]?.objectValue ?? JSONObject(), expectedVersion: p.expectedVersion)
        }
        for verb in ["archive", "restore"] {
            write("institutions.\(verb)") { ctx, p in try InstitutionRepository.transition(ctx, verb: verb, id: p.recordID, expectedVersion: p.expectedVersion) }
        }
        registry.register(RPCMethod(name: "institutions.get", handler: .sync { ctx, p in
            let id = p["id"]?.stringValue ?? ""
            try visible(id, ctx, entity: "institution", id: id)
            return try db.readNow { conn in .object(try InstitutionRepository.records.get(conn, id: id)) }
        }), access: Self.readers)
        registry.register(RPCMethod(name: "institutions.list", handler: .async { ctx, p in
            let only = ctx.principal?.role == .institution ? (ctx.principal?.institutionID ?? "") : nil
            return try await db.read { conn in try InstitutionRepository.list(conn, params: p, only: only) }
        }), access: Self.readers)

        write("agreements.create") { ctx, p in try AgreementRepository.create(ctx, fields: p) }
        write("agreements.update") { ctx, p in
            try AgreementRepository.update(ctx, id: p.recordID, patch: p["patch"]?.objectValue ?? JSONObject(), expectedVersion: p.expectedVersion)
        }
        write("agreements.terminate") { ctx, p in
            try AgreementRepository.terminate(ctx, id: p.recordID, reason: p["reason"]?.stringValue ?? "",
                                              effectiveOn: p["effectiveOn"]?.stringValue ?? "", expectedVersion: p.expectedVersion)
        }
        registry.register(RPCMethod(name: "agreements.get", handler: .sync { ctx, p in
            let id = p["id"]?.stringValue ?? ""
            let record = try db.readNow { conn in .object(try AgreementRepository.get(conn, id: id, today: today())) }
            try visible(record["institutionId"]?.stringValue, ctx, entity: "agreement", id: id)
            return record
        }), access: Self.readers)
        registry.register(RPCMethod(name: "agreements.list", handler: .async { ctx, p in
            let only = ctx.principal?.role == .institution ? (ctx.principal?.institutionID ?? "") : nil
            let day = today()
            return try await db.read { conn in try AgreementRepository.list(conn, params: p, today: day, onlyInstitution: only) }
        }), access: Self.readers)
    }
}
