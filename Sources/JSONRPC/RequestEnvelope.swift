import JSON

/// The members of a request that dispatch reads (SPEC §2), taken as the parser reads them or from a batch's
/// entry; a repeated member keeps its last value, as a parsed object does, and any other member is ignored.
struct RequestEnvelope {
    var jsonrpc: JSONValue?
    var id: JSONValue?
    var method: JSONValue?
    var params: JSONValue?

    init() {}

    init(_ object: JSONObject) {
        jsonrpc = object["jsonrpc"]
        id = object["id"]
        method = object["method"]
        params = object["params"]
    }

    mutating func take(_ key: String, _ value: JSONValue) {
        switch key {
        case "jsonrpc": jsonrpc = value
        case "id": id = value
        case "method": method = value
        case "params": params = value
        default: break
        }
    }
}
