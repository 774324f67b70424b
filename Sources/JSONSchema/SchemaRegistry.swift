import JSON

/// Every schema document the validator may reach, by absolute URI, with the anchors found inside them.
/// No network: documents are added up front (our Schemas/, the 2020-12 meta-schemas, test remotes).
public final class SchemaRegistry: @unchecked Sendable {
    struct Location {
        var schema: JSONValue
        var base: String
        /// The `$schema` in effect at this location (decides the vocabularies).
        var dialect: String?
    }

    private(set) var resources: [String: Location] = [:]
    private(set) var anchors: [String: Location] = [:]
    private(set) var dynamicAnchors: [String: Location] = [:]

    public static let dialect2020 = "https://json-schema.org/draft/2020-12/schema"

    public init() {}

    /// Adds a document under `uri` (its `$id`, when present, is resolved against `uri` and wins).
    public func add(_ document: JSONValue, uri: String) {
        let base = URIReference(uri).withoutFragment.string
        resources[base] = Location(schema: document, base: base, dialect: document["$schema"]?.stringValue)
        index(document, base: base, dialect: document["$schema"]?.stringValue)
    }

    /// True when some document is known under this URI.
    public func contains(_ uri: String) -> Bool { resources[URIReference(uri).withoutFragment.string] != nil }

    /// Subschema keywords whose values are schemas, arrays of schemas, or objects of schemas.
    static let schemaKeywords: Set<String> = [
        "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "items",
        "contains", "propertyNames", "not", "if", "then", "else", "additionalItems",
    ]
    static let schemaArrayKeywords: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems", "items"]
    static let schemaMapKeywords: Set<String> = [
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
    ]

    /// Records resources and anchors. Every `Location.base` is the base URI in effect *outside* the schema it
    /// points at: the compiler applies the schema's own `$id` itself.
    private func index(_ schema: JSONValue, base: String, dialect: String?) {
        guard case .object(let o) = schema else { return }
        let outer = base
        var base = base
        var dialect = dialect
        if let s = o["$schema"]?.stringValue { dialect = s }
        let here = Location(schema: schema, base: outer, dialect: dialect)
        if let id = o["$id"]?.stringValue {
            if id.hasPrefix("#") {
                // Draft-07 style location-independent identifier.
                anchors[base + id] = here
            } else {
                base = URIReference(base).resolve(id).withoutFragment.string
                resources[base] = here
            }
        }
        if let a = o["$anchor"]?.stringValue { anchors[base + "#" + a] = here }
        if let a = o["$dynamicAnchor"]?.stringValue {
            dynamicAnchors[base + "#" + a] = here
            anchors[base + "#" + a] = here
        }
        for (key, value) in o {
            if Self.schemaKeywords.contains(key) { index(value, base: base, dialect: dialect) }
            if Self.schemaArrayKeywords.contains(key), case .array(let items) = value {
                for item in items { index(item, base: base, dialect: dialect) }
            }
            if Self.schemaMapKeywords.contains(key) || key == "dependencies", case .object(let map) = value {
                for (_, sub) in map { index(sub, base: base, dialect: dialect) }
            }
        }
    }

    /// Finds the schema an absolute URI (with optional fragment) names.
    func locate(_ uri: URIReference) -> Location? {
        let base = uri.withoutFragment.string
        guard let fragment = uri.fragment, !fragment.isEmpty else { return resources[base] }
        if !fragment.hasPrefix("/") { return anchors[base + "#" + fragment] }
        guard var location = resources[base] else { return nil }
        // Walk the pointer; each object stepped through may change the base URI for what lies inside it.
        for raw in fragment.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = JSONPointer.unescape(String(raw).percentDecoded)
            switch location.schema {
            case .object(let o):
                if let id = o["$id"]?.stringValue, !id.hasPrefix("#") {
                    location.base = URIReference(location.base).resolve(id).withoutFragment.string
                }
                if let s = o["$schema"]?.stringValue { location.dialect = s }
                guard let next = o[token] else { return nil }
                location.schema = next
            case .array(let a):
                guard let i = Int(token), a.indices.contains(i) else { return nil }
                location.schema = a[i]
            default:
                return nil
            }
        }
        return location
    }
}
