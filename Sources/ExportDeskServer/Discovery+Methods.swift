import ExportDeskSchemas
import JSON
import JSONRPC

/// `rpc.discover`: the OpenRPC document, built once at start-up from Schemas/.
struct DiscoveryMethods {
    let state: ServerState

    func register(in registry: inout MethodSet) {
        registry.registerInline("rpc.discover", Params.RpcDiscover.self, access: .anyone) { [state] _, _ in
            state.discovery
        }
    }
}
