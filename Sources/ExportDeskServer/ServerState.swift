import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Storage

#if canImport(Glibc)
import Glibc
import Support
#endif

/// Facts about the running server that methods report (`system.info`).
final class ServerState: @unchecked Sendable {
    let startedAt = MonotonicClock.now
    let startedAtWall = WallClock.nowMillis
    let pid = getpid()
    // Set once during start-up, before any request is served.
    var core: RPCServerCore?
    var transports: [String] = []
    /// Tokens and the per-call access check.
    var access = AccessControl(requireAuth: false)
    /// The open database (nil only in tests that build the method table without one).
    var store: (any DataStore)?
    /// Write methods that `rpc.atomic` may combine, by name: the body that runs inside the transaction.
    var writeOperations: [String: @Sendable (WriteContext, JSONObject) throws -> JSONValue] = [:]
    /// The OpenRPC document of `rpc.discover`.
    var discovery = Results.RpcDiscover(openrpc: "1.3.2", info: .init(title: "ExportDesk", version: ""), methods: [])
    /// Live change-feed subscriptions, told after every committed write.
    private(set) var changeHub: ChangeHub!

    init() {
        changeHub = ChangeHub(state: self)
    }
}
