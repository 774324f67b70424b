import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC

/// tokens.* and session.* (SPEC §8).
struct AccessMethods {
    let db: Persistence
    let access: AccessControl

    func register(in methods: inout MethodSet) {
        let db = self.db
        let access = self.access
        methods.register(
            ServerMethod(
                name: "tokens.create",
                handler: .async { ctx, params in
                    let p = try TypedRecords.params(Params.TokensCreate.self, params.objectValue ?? JSONObject())
                    let (token, secret) = try await db.writeValue(ctx) { w in
                        try TokenRepository.create(
                            w, role: Role(rawValue: p.role.rawValue) ?? .viewer, institutionID: p.institutionId,
                            companyID: p.companyId, label: p.label, expiresAt: p.expiresAt)
                    }
                    access.remember(token)
                    return ["token": token.record, "secret": .string(secret)]
                }), access: .adminOnly, effect: .write)
        methods.register(
            ServerMethod(
                name: "tokens.list",
                handler: .async { _, _ in
                    try await db.read { conn in ["items": .array(try TokenRepository.all(conn).map(\.record))] }
                }), access: .adminOnly)
        methods.register("tokens.revoke", Params.TokensRevoke.self, access: .adminOnly, effect: .destructiveWrite) {
            ctx, p in
            let token = try await db.writeValue(ctx) { w in try TokenRepository.revoke(w, id: p.id) }
            access.remember(token)
            return token.record
        }
        methods.registerInline(
            "session.authenticate", Params.SessionAuthenticate.self, access: .anyone, effect: .session
        ) { ctx, p in
            guard let token = access.token(forSecret: p.token) else {
                access.bind(ctx.session, nil)
                throw RPCError.unauthenticated("the token is not valid (unknown, revoked or expired)")
            }
            access.bind(ctx.session, token.principal)
            return whoami(token.principal)
        }
        methods.register(
            ServerMethod(
                name: "session.whoami",
                handler: .sync { ctx, _ in
                    whoami(ctx.principal!)
                }), access: .anyRole, effect: .session)
    }

    func whoami(_ p: Principal) -> JSONValue {
        .object(
            JSONObject(optional: [
                ("role", .string(p.role.rawValue)), ("actor", .string(p.actor)),
                ("tokenId", p.tokenID.map(JSONValue.string)), ("institutionId", p.institutionID.map(JSONValue.string)),
                ("companyId", p.companyID.map(JSONValue.string)),
            ]))
    }
}
