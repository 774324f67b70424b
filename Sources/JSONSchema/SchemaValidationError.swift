import JSON

/// One violation: where in the instance (JSON Pointer), which keyword, and a sentence a person understands.
public struct SchemaValidationError: Sendable, Equatable, CustomStringConvertible {
    public var instancePath: String
    public var keyword: String
    public var message: String

    public init(instancePath: String, keyword: String, message: String) {
        self.instancePath = instancePath
        self.keyword = keyword
        self.message = message
    }

    public var description: String { "\(instancePath.isEmpty ? "(root)" : instancePath): \(message) [\(keyword)]" }
}
