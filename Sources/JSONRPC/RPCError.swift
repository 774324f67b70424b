import JSON
import Support

/// A JSON-RPC error as sent on the wire: code, message and a `data` object that always carries `reason`.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONObject

    public init(code: Int, reason: String, message: String, data: JSONObject = JSONObject()) {
        self.code = code
        self.message = message
        var d = JSONObject()
        d["reason"] = .string(reason)
        for (k, v) in data where k != "reason" { d[k] = v }
        self.data = d
    }

    public var reason: String { data["reason"]?.stringValue ?? "" }
    public var description: String { "\(code) \(reason): \(message)" }

    public var json: JSONValue {
        var o = JSONObject()
        o["code"] = .number(.int(Int64(code)))
        o["message"] = .string(message)
        o["data"] = .object(data)
        return .object(o)
    }

    /// Builds an RPCError from a received `error` member; nil when it is not shaped like one.
    public init?(json: JSONValue) {
        guard let code = json["code"]?.int64Value, let message = json["message"]?.stringValue else { return nil }
        self.code = Int(code)
        self.message = message
        self.data = json["data"]?.objectValue ?? JSONObject()
    }
}

/// An error of a layer above JSON-RPC (the domain's catalogue) that knows its wire form.
public protocol RPCErrorConvertible: Error {
    var rpcError: RPCError { get }
}

extension RPCError {
    /// The wire form of anything a layer knows how to send; nil for other errors (bugs, to be logged).
    public init?(sendable error: any Error) {
        switch error {
        case let e as RPCError: self = e
        case let e as any RPCErrorConvertible: self = e.rpcError
        default: return nil
        }
    }
}

/// The error codes of the JSON-RPC layer and the server (SPEC §2); the domain's are `DomainError`'s.
extension RPCError {
    public static func parseError(_ detail: String) -> RPCError {
        RPCError(code: -32700, reason: "PARSE_ERROR", message: "Parse error: \(detail)")
    }
    public static func invalidRequest(_ detail: String) -> RPCError {
        RPCError(code: -32600, reason: "INVALID_REQUEST", message: "Invalid Request: \(detail)")
    }
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(
            code: -32601, reason: "METHOD_NOT_FOUND", message: "Method not found: \(method)",
            data: ["method": .string(method)])
    }
    /// One params problem (shared with the domain's checks).
    public typealias ParamIssue = Support.ParamIssue

    public static func invalidParams(_ issues: [ParamIssue]) -> RPCError {
        RPCError(
            code: -32602, reason: "INVALID_PARAMS", message: ParamIssue.summary(issues),
            data: ["errors": .array(issues.map(\.json))])
    }
    public static func invalidParams(path: String, keyword: String, _ message: String) -> RPCError {
        invalidParams([ParamIssue(instancePath: path, keyword: keyword, message: message)])
    }
    public static let internalError = RPCError(
        code: -32603, reason: "INTERNAL", message: "Internal error; the server log has the details")
    public static let requestCancelled = RPCError(
        code: -32800, reason: "REQUEST_CANCELLED", message: "Request cancelled")
    public static func unauthenticated(_ detail: String = "this method needs an authenticated session") -> RPCError {
        RPCError(code: -32001, reason: "UNAUTHENTICATED", message: detail)
    }
    public static func forbidden(_ detail: String) -> RPCError {
        RPCError(code: -32002, reason: "FORBIDDEN", message: detail)
    }
    public static func overloaded(_ detail: String) -> RPCError {
        RPCError(code: -32003, reason: "OVERLOADED", message: detail)
    }
    public static let shuttingDown = RPCError(
        code: -32003, reason: "SHUTTING_DOWN", message: "The server is shutting down")
    /// MCP's code for an unknown resource (`resources/read`).
    public static func resourceNotFound(_ uri: String) -> RPCError {
        RPCError(code: -32002, reason: "NOT_FOUND", message: "Resource not found: \(uri)", data: ["uri": .string(uri)])
    }
    public static func storageUnavailable(_ detail: String) -> RPCError {
        RPCError(code: -32004, reason: "STORAGE_UNAVAILABLE", message: detail)
    }
}
