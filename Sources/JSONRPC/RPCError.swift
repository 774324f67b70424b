import JSON

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

/// The error codes of SPEC §2.
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
    /// One params problem, in the form of SPEC §2: JSON Pointer into params, the failing keyword, a sentence.
    public struct ParamIssue: Sendable, Equatable {
        public var instancePath: String
        public var keyword: String
        public var message: String
        public init(instancePath: String, keyword: String, message: String) {
            self.instancePath = instancePath
            self.keyword = keyword
            self.message = message
        }
        public var json: JSONValue {
            ["instancePath": .string(instancePath), "keyword": .string(keyword), "message": .string(message)]
        }
    }
    public static func invalidParams(_ issues: [ParamIssue]) -> RPCError {
        let summary = issues.prefix(3).map { ($0.instancePath.isEmpty ? "params" : $0.instancePath) + " " + $0.message }
            .joined(separator: "; ")
        return RPCError(
            code: -32602, reason: "INVALID_PARAMS", message: "Invalid params: \(summary)",
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
    public static func storageUnavailable(_ detail: String) -> RPCError {
        RPCError(code: -32004, reason: "STORAGE_UNAVAILABLE", message: detail)
    }
    public static func notFound(entity: String, id: String) -> RPCError {
        RPCError(
            code: 1001, reason: "NOT_FOUND", message: "No \(entity) with id \(id)",
            data: ["entity": .string(entity), "id": .string(id)])
    }
    /// `expectedVersion` differs from the record's version (which `data.currentVersion` names).
    public static func versionConflict(current: Int64, _ message: String) -> RPCError {
        RPCError(
            code: 1002, reason: "VERSION_CONFLICT", message: message, data: ["currentVersion": .number(.int(current))])
    }
    /// A unique key is taken: the field, and the record that holds it when known.
    public static func duplicate(field: String, existingId: String?, _ message: String) -> RPCError {
        var data: JSONObject = ["field": .string(field)]
        if let existingId { data["existingId"] = .string(existingId) }
        return RPCError(code: 1003, reason: "DUPLICATE", message: message, data: data)
    }
    /// A verb the record's state does not allow: the state, the verb, and the verbs allowed now.
    public static func invalidTransition(from: String, action: String, allowed: [String], _ message: String) -> RPCError
    {
        RPCError(
            code: 1004, reason: "INVALID_TRANSITION", message: message,
            data: ["from": .string(from), "action": .string(action), "allowed": .array(allowed.map { .string($0) })])
    }
    /// An event or offer is full.
    public static func capacityExceeded(capacity: Int64, taken: Int64, _ message: String) -> RPCError {
        RPCError(
            code: 1005, reason: "CAPACITY_EXCEEDED", message: message,
            data: ["capacity": .number(.int(capacity)), "taken": .number(.int(taken))])
    }
    /// A business rule (`data.rule`) with what a client needs to fix it.
    public static func ruleViolation(_ rule: String, _ message: String, _ data: JSONObject = [:]) -> RPCError {
        var all = data
        all["rule"] = .string(rule)
        return RPCError(code: 1006, reason: "RULE_VIOLATION", message: message, data: all)
    }
}
