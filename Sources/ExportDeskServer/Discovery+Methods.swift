import JSON
import JSONRPC

/// `rpc.discover`: the OpenRPC document, built once at start-up from Schemas/.
struct DiscoveryMethods {
    let state: ServerState

    func register(in registry: inout MethodSet) {
        registry.register(
            ServerMethod(name: "rpc.discover", handler: .sync { [state] _, _ in state.discovery }), access: .anyone)
    }
}
