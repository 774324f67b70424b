import ExportDeskCore
import JSON
import JSONRPC
import Storage
import Synchronization

#if canImport(Glibc)
import Glibc
import Support
#endif

/// Tokens in memory (loaded at start, updated by tokens.create/revoke), the session hook that makes the
/// server's own user admin, and the check every call goes through.
final class AccessControl: Sendable {
    private let tokens = Mutex<[String: TokenRepository.Token]>([:])  // by id
    let requireAuth: Bool

    init(requireAuth: Bool) { self.requireAuth = requireAuth }

    func load(_ store: any DataStore) throws {
        let all = try store.readNow { db in try TokenRepository.all(db) }
        tokens.withLock { map in for t in all { map[t.id] = t } }
    }

    func remember(_ token: TokenRepository.Token) { tokens.withLock { $0[token.id] = token } }

    /// The token whose secret this is, if it is valid now. The lookup is by SHA-256 of the attempt, and the
    /// final comparison is constant-time: a wrong secret with a right prefix is rejected no faster.
    func token(forSecret secret: String) -> TokenRepository.Token? {
        let hash = SHA256.hash(Array(secret.utf8))
        let now = WallClock.nowMillis
        return tokens.withLock { map in
            var found: TokenRepository.Token?
            for token in map.values where constantTimeEquals(token.hash, hash) { found = token }
            return found
        }.flatMap { $0.isValid(nowMillis: now) ? $0 : nil }
    }

    func isValid(tokenID: String) -> Bool {
        let now = WallClock.nowMillis
        return tokens.withLock { $0[tokenID]?.isValid(nowMillis: now) ?? false }
    }

    /// A new connection: stdio and a socket peer running as the server's own user are admin, unless
    /// `--require-auth`; everyone else starts unauthenticated.
    func sessionStarted(_ session: RPCSession) {
        guard !requireAuth else { return }
        switch session.peer {
        case .stdio:
            bind(session, Principal(role: .admin, actor: "local:stdio"))
        case .socket(let uid?) where uid == Int(geteuid()):
            bind(session, Principal(role: .admin, actor: "local:uid:\(uid)"))
        case .socket:
            break
        }
    }

    func bind(_ session: RPCSession, _ principal: Principal?) {
        session.identity = principal
        session.actor = principal?.actor ?? "anonymous"
    }

    /// The check before every call: a session, a still-valid token, and a role the rule allows.
    func authorize(_ rule: AccessRule, _ rpc: RPCContext) throws {
        if rule == .anyone { return }
        let context = RequestContext(rpc)
        guard let principal = context.principal else {
            throw RPCError.unauthenticated(
                "\(context.method) needs a session: call session.authenticate with a token first")
        }
        if let tokenID = principal.tokenID, !isValid(tokenID: tokenID) {
            bind(context.session, nil)
            throw RPCError.unauthenticated("the session's token was revoked or has expired; authenticate again")
        }
        guard rule.allows(principal.role) else {
            throw RPCError.forbidden("the \(principal.role.rawValue) role may not call \(context.method)")
        }
    }
}
