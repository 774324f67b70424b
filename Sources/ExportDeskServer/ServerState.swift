import JSON
import JSONRPC
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
    /// The OpenRPC document of `rpc.discover`.
    var discovery: JSONValue = .null
}
