import JSON

/// One params problem, in the form of SPEC §2: a JSON Pointer into params, the failing keyword, a sentence.
/// Shared by schema validation (JSONRPC) and the domain's own checks (ExportDeskCore).
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

    /// The first problems as one sentence, for an error's message.
    public static func summary(_ issues: [ParamIssue]) -> String {
        "Invalid params: "
            + issues.prefix(3).map { ($0.instancePath.isEmpty ? "params" : $0.instancePath) + " " + $0.message }
            .joined(separator: "; ")
    }
}
