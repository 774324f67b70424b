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
        // By length first: a string comparison that fails is a call into the standard library, and every
        // request's key would otherwise be compared with up to four names.
        switch key.utf8.count {
        case 2 where key == "id": id = value
        case 6 where key == "method": method = value
        case 6 where key == "params": params = value
        case 7 where key == "jsonrpc": jsonrpc = value
        default: break
        }
    }
}
