import JSON

/// What a handler knows about the call it serves.
public struct RPCContext: Sendable {
    /// The connection the request came on; lets a handler send notifications such as `$/progress`.
    public let session: RPCSession
    public let requestID: JSONValue?
    public let method: String

    public init(session: RPCSession, requestID: JSONValue?, method: String) {
        self.session = session
        self.requestID = requestID
        self.method = method
    }

    /// Sends `$/progress {token, value}` on this connection when the request carried a `progressToken`.
    public func progress(token: JSONValue?, done: Int, total: Int, message: String? = nil) {
        guard let token else { return }
        var value: JSONObject = ["done": .number(.int(Int64(done))), "total": .number(.int(Int64(total)))]
        if let message { value["message"] = .string(message) }
        session.notify(method: "$/progress", params: ["token": token, "value": .object(value)])
    }
}

/// How a method runs: inline on the connection's I/O thread (fast, never blocking) or as a task; answering a
/// value, or an `RPCAnswer` that may be JSON already serialized.
public enum RPCHandler: Sendable {
    case sync(@Sendable (RPCContext, JSONValue) throws -> JSONValue)
    case async(@Sendable (RPCContext, JSONValue) async throws -> JSONValue)
    case syncAnswer(@Sendable (RPCContext, JSONValue) throws -> RPCAnswer)
    case asyncAnswer(@Sendable (RPCContext, JSONValue) async throws -> RPCAnswer)

    /// The two ways dispatch runs a handler, each answering an `RPCAnswer`.
    enum Run: Sendable {
        case inline(@Sendable (RPCContext, JSONValue) throws -> RPCAnswer)
        case task(@Sendable (RPCContext, JSONValue) async throws -> RPCAnswer)
    }

    var run: Run {
        switch self {
        case .sync(let f): return .inline { .value(try f($0, $1)) }
        case .async(let f): return .task { .value(try await f($0, $1)) }
        case .syncAnswer(let f): return .inline(f)
        case .asyncAnswer(let f): return .task(f)
        }
    }
}

/// A handler's answer: a value, or JSON text already serialized (a record as it is stored), which goes into
/// the response as it is, without being parsed and written again.
public enum RPCAnswer: Sendable {
    case value(JSONValue)
    case serialized([UInt8])

    /// The answer as a value (parsing serialized text; it came from the server's own storage).
    public func parsed() throws -> JSONValue {
        switch self {
        case .value(let v): return v
        case .serialized(let bytes): return try JSONParser.parse(bytes)
        }
    }
}

/// One registered method: its name, handler, and the checks that run before the handler.
///
/// A class: every request looks its method up, and a struct of five references would be copied out of the
/// registry (five retains and five releases) each time.
public final class RPCMethod: Sendable {
    public let name: String
    public let handler: RPCHandler
    let run: RPCHandler.Run
    /// Only the JSON-RPC specification's example methods take positional params; ExportDesk's take names.
    public let acceptsPositionalParams: Bool
    /// Validates params before the handler runs; returns the problems found (empty when valid).
    public let validateParams: (@Sendable (JSONValue) -> [RPCError.ParamIssue])?
    /// Decides whether the caller may call this method at all; runs before params are even validated.
    public let authorize: (@Sendable (RPCContext) throws -> Void)?

    public init(
        name: String, handler: RPCHandler, acceptsPositionalParams: Bool = false,
        validateParams: (@Sendable (JSONValue) -> [RPCError.ParamIssue])? = nil,
        authorize: (@Sendable (RPCContext) throws -> Void)? = nil
    ) {
        self.name = name
        self.handler = handler
        self.run = handler.run
        self.acceptsPositionalParams = acceptsPositionalParams
        self.validateParams = validateParams
        self.authorize = authorize
    }
}

/// The methods a server answers, by name. Built once at start-up, then read-only.
public struct RPCMethodRegistry: Sendable {
    public private(set) var methods: [String: RPCMethod] = [:]
    public init() {}

    public mutating func register(_ method: RPCMethod) {
        precondition(methods[method.name] == nil, "method \(method.name) registered twice")
        precondition(
            !method.name.hasPrefix("$/")
                && (!method.name.hasPrefix("rpc.") || method.name == "rpc.discover" || method.name == "rpc.atomic"),
            "reserved method name \(method.name)")
        methods[method.name] = method
    }

    public subscript(name: String) -> RPCMethod? { methods[name] }
    public var names: [String] { methods.keys.sorted() }
}
