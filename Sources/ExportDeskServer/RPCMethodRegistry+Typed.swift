import JSON
import JSONRPC

/// Registration with Codable params and results, decoded from and encoded to `JSONValue` without re-parsing.
extension RPCMethodRegistry {
    public mutating func register<Params: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
        _ name: String, _ paramsType: Params.Type = Params.self,
        handler: @escaping @Sendable (RPCContext, Params) throws -> Result
    ) {
        register(RPCMethod(name: name, handler: .sync { context, params in
            let decoded = try JSONValueDecoder().decode(Params.self, from: params)
            return try JSONValueEncoder().encode(handler(context, decoded))
        }))
    }

    public mutating func registerAsync<Params: Decodable & Sendable & SendableMetatype, Result: Encodable & SendableMetatype>(
        _ name: String, _ paramsType: Params.Type = Params.self,
        handler: @escaping @Sendable (RPCContext, Params) async throws -> Result
    ) {
        register(RPCMethod(name: name, handler: .async { context, params in
            let decoded = try JSONValueDecoder().decode(Params.self, from: params)
            return try JSONValueEncoder().encode(await handler(context, decoded))
        }))
    }
}

/// Params of a method that takes none.
public struct NoParams: Codable, Sendable {
    public init() {}
}
