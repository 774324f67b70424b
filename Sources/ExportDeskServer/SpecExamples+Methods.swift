import JSON
import JSONRPC

/// The example methods of the JSON-RPC 2.0 specification (§7), served only with `--spec-examples`, so the
/// conformance suite can run its transcripts against the real binary. They take positional params, as the
/// specification's examples do; ExportDesk's own methods never do.
enum SpecExampleMethods {
    static func register(in registry: inout RPCMethodRegistry) {
        @Sendable func numbers(_ params: JSONValue) throws -> [JSONNumber] {
            guard case .array(let items) = params else {
                throw RPCError.invalidParams(path: "", keyword: "type", "must be an array")
            }
            return try items.enumerated().map { i, v in
                guard case .number(let n) = v else {
                    throw RPCError.invalidParams(path: "/\(i)", keyword: "type", "must be a number")
                }
                return n
            }
        }
        @Sendable func value(_ x: Double) -> JSONValue { .number(JSONNumber(x)) }
        registry.register(
            RPCMethod(
                name: "subtract",
                handler: .sync { _, params in
                    if case .object(let o) = params {
                        guard let m = o["minuend"]?.numberValue, let s = o["subtrahend"]?.numberValue else {
                            throw RPCError.invalidParams(path: "", keyword: "required", "needs minuend and subtrahend")
                        }
                        return value(m.doubleValue - s.doubleValue)
                    }
                    let n = try numbers(params)
                    guard n.count == 2 else {
                        throw RPCError.invalidParams(path: "", keyword: "minItems", "needs two numbers")
                    }
                    return value(n[0].doubleValue - n[1].doubleValue)
                }, acceptsPositionalParams: true))
        registry.register(
            RPCMethod(
                name: "sum",
                handler: .sync { _, params in
                    value(try numbers(params).reduce(0) { $0 + $1.doubleValue })
                }, acceptsPositionalParams: true))
        registry.register(
            RPCMethod(name: "get_data", handler: .sync { _, _ in ["hello", 5] }, acceptsPositionalParams: true))
        for name in ["update", "notify_hello", "notify_sum"] {
            registry.register(RPCMethod(name: name, handler: .sync { _, _ in .null }, acceptsPositionalParams: true))
        }
    }
}
