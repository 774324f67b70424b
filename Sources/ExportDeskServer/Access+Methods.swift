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
        methods.register("tokens.create", Params.TokensCreate.self, access: .adminOnly, effect: .write) { ctx, p in
            let (token, secret) = try await db.writeValue(ctx) { w in
                try TokenRepository.create(
                    w, role: Role(rawValue: p.role.rawValue) ?? .viewer, institutionID: p.institutionId,
                    companyID: p.companyId, label: p.label, expiresAt: p.expiresAt)
            }
            access.remember(token)
            return Results.TokensCreate(token: token.typed, secret: secret)
        }
        methods.register("tokens.list", Params.TokensList.self, access: .adminOnly) { _, _ in
            try await db.read { conn in Results.TokensList(items: try TokenRepository.all(conn).map(\.typed)) }
        }
        methods.register("tokens.revoke", Params.TokensRevoke.self, access: .adminOnly, effect: .destructiveWrite) {
            ctx, p in
            let token = try await db.writeValue(ctx) { w in try TokenRepository.revoke(w, id: p.id) }
            access.remember(token)
            return Stored(token.typed.json)
        }
        methods.registerInline(
            "session.authenticate", Params.SessionAuthenticate.self, access: .anyone, effect: .session
        ) { ctx, p in
            guard let token = access.token(forSecret: p.token) else {
                access.bind(ctx.session, nil)
                throw RPCError.unauthenticated("the token is not valid (unknown, revoked or expired)")
            }
            access.bind(ctx.session, token.principal)
            let who = Self.whoami(token.principal)
            return Results.SessionAuthenticate(
                role: who.role, actor: who.actor, tokenId: who.tokenId, institutionId: who.institutionId,
                companyId: who.companyId)
        }
        methods.registerInline("session.whoami", Params.SessionWhoami.self, access: .anyRole, effect: .session) {
            ctx, _ in
            Self.whoami(ctx.principal!)
        }
    }

    static func whoami(_ p: Principal) -> Results.SessionWhoami {
        Results.SessionWhoami(
            role: Records.Role(rawValue: p.role.rawValue)!, actor: p.actor, tokenId: p.tokenID,
            institutionId: p.institutionID, companyId: p.companyID)
    }
}
