import Foundation
import JSON

/// A compiled schema: its checks, run in order, and what the evaluator needs to know about it.
final class SchemaNode: @unchecked Sendable {
    /// `true`/`false` schemas.
    var boolean: Bool?
    var checks: [Check] = []
    /// Identifies the schema resource (base URI) this node belongs to, for `$dynamicRef`'s dynamic scope.
    var resourceID = 0
    /// Set when the node has `unevaluatedProperties`/`unevaluatedItems`, so siblings must report annotations.
    var needsAnnotations = false

    init() {}
}

/// One compiled keyword.
enum Check {
    case type(TypeMask)
    case enumeration([JSONValue], String)
    case constant(JSONValue)
    case multipleOf(JSONNumber)
    case maximum(JSONNumber)
    case exclusiveMaximum(JSONNumber)
    case minimum(JSONNumber)
    case exclusiveMinimum(JSONNumber)
    case maxLength(Int)
    case minLength(Int)
    case pattern(Pattern)
    case format(Format)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    case prefixItems([SchemaNode])
    case items(SchemaNode, from: Int)
    case contains(SchemaNode, min: Int, max: Int?)
    case maxProperties(Int)
    case minProperties(Int)
    case required([String])
    case dependentRequired([(String, [String])])
    case dependentSchemas([(String, SchemaNode)])
    /// `properties`, `patternProperties` and `additionalProperties` together, applied in one pass over the
    /// instance's members.
    case members(MemberRules)
    case propertyNames(SchemaNode)
    case allOf([SchemaNode])
    case anyOf([SchemaNode])
    case oneOf([SchemaNode])
    case not(SchemaNode)
    case conditional(if: SchemaNode, then: SchemaNode?, else: SchemaNode?)
    case ref(SchemaNode)
    case dynamicRef(SchemaNode, anchor: String?)
    case unevaluatedItems(SchemaNode)
    case unevaluatedProperties(SchemaNode)
}

/// JSON types as a bit set, so `type: ["string", "null"]` is one comparison.
struct TypeMask: OptionSet {
    let rawValue: UInt8
    static let null = TypeMask(rawValue: 1)
    static let boolean = TypeMask(rawValue: 2)
    static let integer = TypeMask(rawValue: 4)
    static let number = TypeMask(rawValue: 8)
    static let string = TypeMask(rawValue: 16)
    static let array = TypeMask(rawValue: 32)
    static let object = TypeMask(rawValue: 64)
    /// Every type: a schema without `type`.
    static let any = TypeMask(rawValue: 0x7F)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init?(name: String) {
        switch name {
        case "null": self = .null
        case "boolean": self = .boolean
        case "integer": self = .integer
        case "number": self = .number
        case "string": self = .string
        case "array": self = .array
        case "object": self = .object
        default: return nil
        }
    }

    func matches(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .number(let n): return contains(.number) || (contains(.integer) && n.isInteger)
        case .string: return contains(.string)
        case .array: return contains(.array)
        case .object: return contains(.object)
        }
    }

    var names: [String] {
        let all: [(TypeMask, String)] = [
            (.object, "object"), (.array, "array"), (.string, "string"), (.number, "number"),
            (.integer, "integer"), (.boolean, "boolean"), (.null, "null"),
        ]
        return all.filter { contains($0.0) }.map(\.1)
    }
}

/// The payload of `Check.members`, boxed so that evaluating it retains one object, not each array.
final class MemberRules {
    let properties: PropertyTable<SchemaNode>
    let patterns: [(Pattern, SchemaNode)]
    let additional: SchemaNode?

    init(properties: PropertyTable<SchemaNode>, patterns: [(Pattern, SchemaNode)], additional: SchemaNode?) {
        self.properties = properties
        self.patterns = patterns
        self.additional = additional
    }
}
