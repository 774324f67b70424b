import JSON
import JSONRPC
import SQLiteStore
#if canImport(Glibc)
import Glibc
#endif

/// Facts about the running server that methods report (`system.info`).
final class ServerState: @unchecked Sendable {
    let startedAt = MonotonicClock.now
    let startedAtWall = WallClock.nowMillis
    let pid = getpid()
    // Set once during start-up, before any request is served.
    var core: RPCServerCore?
    var transports: [String] = []
    /// The open database (nil only in tests that build the method table without one).
    var store: Store?
    /// The OpenRPC document of `rpc.discover`.
    var discovery: JSONValue = .null
}
