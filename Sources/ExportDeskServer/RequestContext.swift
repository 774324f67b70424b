import ExportDeskCore
import JSON
import JSONRPC

/// What a product method's handler knows about its call, typed: the caller, resolved once per request from
/// its connection; what that caller may see and touch (SPEC §8); and the connection, for progress and
/// notifications.
struct RequestContext: Sendable {
    let rpc: RPCContext
    /// The authenticated caller, or nil.
    let principal: Principal?

    init(_ rpc: RPCContext) {
        self.rpc = rpc
        self.principal = Self.principal(of: rpc.session)
    }

    /// The caller a connection is bound to now: the one place the session's identity is read back.
    static func principal(of session: RPCSession) -> Principal? { session.identity as? Principal }

    var session: RPCSession { rpc.session }
    var method: String { rpc.method }

    /// What the caller may see and touch (SPEC §8), the one policy every handler asks.
    var policy: AccessPolicy { AccessPolicy(principal) }

    /// For a company token, its company: lists are restricted to it. Nil for everyone else.
    var companyScope: String? { policy.companyScope }
    /// For an institution token, its institution. Nil for everyone else.
    var institutionScope: String? { policy.institutionScope }

    /// A record that belongs to another company or institution than the caller's token does not exist for
    /// it: NOT_FOUND, never FORBIDDEN (SPEC §8).
    func requireVisible(companyID: String? = nil, institutionID: String? = nil, entity: String, id: String) throws {
        try policy.require(companyID: companyID, institutionID: institutionID, entity: entity, id: id)
    }

    /// Sends `$/progress` on this connection when the request carried a `progressToken`.
    func progress(token: JSONValue?, done: Int, total: Int, message: String? = nil) {
        rpc.progress(token: token, done: done, total: total, message: message)
    }
}

/// How a product method runs (inline on the I/O thread, or as a task), with the typed request context.
enum ServerHandler: Sendable {
    case sync(@Sendable (RequestContext, JSONValue) throws -> RPCAnswer)
    case async(@Sendable (RequestContext, JSONValue) async throws -> RPCAnswer)

    /// The handler the JSON-RPC layer runs: the request context is built as the call starts (so a handler
    /// sees the caller as it is at that moment), then the product handler runs with it.
    var rpcHandler: RPCHandler {
        switch self {
        case .sync(let body): return .syncAnswer { ctx, params in try body(RequestContext(ctx), params) }
        case .async(let body): return .asyncAnswer { ctx, params in try await body(RequestContext(ctx), params) }
        }
    }
}
