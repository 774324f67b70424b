import JSON

/// A schema of Schemas/ read through the few keywords the server's own tooling needs (the OpenRPC document,
/// the patch contract): the schema documents are JSON, and this is the one place that knows their keywords.
public struct SchemaView: Sendable {
    public let json: JSONValue

    public init(_ json: JSONValue) { self.json = json }

    public var title: String? { json["title"]?.stringValue }
    public var description: String? { json["description"]?.stringValue }
    public var examples: [JSONValue] { json["examples"]?.arrayValue ?? [] }
    public var required: Set<String> { Set((json["required"]?.arrayValue ?? []).compactMap(\.stringValue)) }
    /// `$ref`, when the schema is a reference.
    public var ref: String? { json["$ref"]?.stringValue }
    /// The schemas of `properties`, in document order.
    public var properties: [(name: String, schema: SchemaView)] {
        (json["properties"]?.objectValue ?? JSONObject()).map { ($0.key, SchemaView($0.value)) }
    }
    /// One property's schema.
    public func property(_ name: String) -> SchemaView? { json["properties"]?[name].map(SchemaView.init) }
    /// The `$ref`s among the branches of `anyOf`.
    public var anyOfRefs: [String] { (json["anyOf"]?.arrayValue ?? []).compactMap { SchemaView($0).ref } }
}
