import Foundation
import JSON

/// Why a schema could not be compiled: a schema-author error, reported with the schema location.
public struct SchemaCompileError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Compiles schema JSON into `SchemaNode`s once, resolving every `$ref` ahead of validation.
final class SchemaCompiler {
    let registry: SchemaRegistry
    let assertFormats: Bool
    private var cache: [String: SchemaNode] = [:]
    private var resourceIDs: [String: Int] = [:]
    /// For `$dynamicRef`: anchor name → resource id → compiled target.
    var dynamicTargets: [String: [Int: SchemaNode]] = [:]
    private var regexCache: [String: Pattern] = [:]

    struct Context {
        var base: String
        var dialect: String?
        var pointer: String
    }

    struct Vocabularies {
        var validation = true
        var applicator = true
        var formatAssertion = false
    }

    init(registry: SchemaRegistry, assertFormats: Bool) {
        self.registry = registry
        self.assertFormats = assertFormats
    }

    func resourceID(_ base: String) -> Int {
        if let id = resourceIDs[base] { return id }
        let id = resourceIDs.count + 1
        resourceIDs[base] = id
        return id
    }

    /// Compiles the schema found at an absolute URI (a document, an anchor or a JSON Pointer fragment).
    func compile(uri: String) throws -> SchemaNode {
        let ref = URIReference(uri)
        var key = ref.withoutFragment.string
        if let f = ref.fragment, !f.isEmpty { key += "#" + f }
        if let node = cache[key] { return node }
        guard let location = registry.locate(ref) else {
            throw SchemaCompileError(description: "cannot resolve $ref \(uri)")
        }
        let node = SchemaNode()
        cache[key] = node
        try fill(node, location.schema, Context(base: location.base, dialect: location.dialect, pointer: key))
        return node
    }

    func compile(_ schema: JSONValue, _ ctx: Context) throws -> SchemaNode {
        let node = SchemaNode()
        try fill(node, schema, ctx)
        return node
    }

    private func vocabularies(_ dialect: String?) -> Vocabularies {
        var v = Vocabularies()
        guard let dialect, let meta = registry.locate(URIReference(dialect))?.schema,
            case .object(let vocab)? = meta["$vocabulary"]
        else { return v }
        let keys = Set(vocab.keys)
        v.validation = keys.contains { $0.hasSuffix("/vocab/validation") }
        v.applicator = keys.contains { $0.hasSuffix("/vocab/applicator") }
        v.formatAssertion = keys.contains { $0.hasSuffix("/vocab/format-assertion") }
        return v
    }

    private func regex(_ pattern: String, _ ctx: Context) throws -> Pattern {
        if let r = regexCache[pattern] { return r }
        do {
            let r = try Pattern(pattern)
            regexCache[pattern] = r
            return r
        } catch {
            throw SchemaCompileError(description: "\(ctx.pointer): invalid regular expression \(pattern)")
        }
    }

    private func fill(_ node: SchemaNode, _ schema: JSONValue, _ outer: Context) throws {
        var ctx = outer
        switch schema {
        case .bool(let b):
            node.boolean = b
            node.resourceID = resourceID(ctx.base)
            return
        case .object:
            break
        default:
            throw SchemaCompileError(
                description: "\(ctx.pointer): a schema must be an object or a boolean, not \(schema.typeName)")
        }
        guard case .object(let o) = schema else { return }
        if let id = o["$id"]?.stringValue, !id.hasPrefix("#") {
            ctx.base = URIReference(ctx.base).resolve(id).withoutFragment.string
        }
        if let d = o["$schema"]?.stringValue { ctx.dialect = d }
        node.resourceID = resourceID(ctx.base)
        let vocab = vocabularies(ctx.dialect)

        func sub(_ value: JSONValue, _ path: String) throws -> SchemaNode {
            var c = ctx
            c.pointer = ctx.pointer + "/" + path
            return try compile(value, c)
        }
        func subs(_ key: String) throws -> [SchemaNode]? {
            guard case .array(let items)? = o[key] else { return nil }
            return try items.enumerated().map { try sub($1, "\(key)/\($0)") }
        }
        func int(_ key: String) -> Int? {
            guard let n = o[key]?.numberValue, n.isInteger else { return nil }
            return n.int64Value.map { Int(clamping: $0) } ?? Int.max
        }
        var checks: [Check] = []
        var last: [Check] = []

        if let ref = o["$ref"]?.stringValue {
            checks.append(.ref(try compile(uri: URIReference(ctx.base).resolve(ref).string)))
        }
        if let ref = o["$dynamicRef"]?.stringValue {
            let target = URIReference(ctx.base).resolve(ref)
            let staticNode = try compile(uri: target.string)
            var anchor: String?
            if let f = target.fragment, !f.isEmpty, !f.hasPrefix("/"),
                registry.dynamicAnchors[target.withoutFragment.string + "#" + f] != nil
            {
                anchor = f
                try prepareDynamicTargets(f)
            }
            checks.append(.dynamicRef(staticNode, anchor: anchor))
        }

        if vocab.validation {
            if let t = o["type"] {
                var mask = TypeMask()
                for name in t.arrayValue ?? [t] {
                    guard let n = name.stringValue, let m = TypeMask(name: n) else {
                        throw SchemaCompileError(description: "\(ctx.pointer)/type: unknown type \(name)")
                    }
                    mask.insert(m)
                }
                checks.append(.type(mask))
            }
            if let e = o["enum"]?.arrayValue {
                let shown =
                    e.prefix(12).map { $0.stringValue ?? $0.serializedString() }.joined(separator: ", ")
                    + (e.count > 12 ? ", …" : "")
                checks.append(.enumeration(e, shown))
            }
            if let c = o["const"] { checks.append(.constant(c)) }
            if let n = o["multipleOf"]?.numberValue { checks.append(.multipleOf(n)) }
            if let n = o["maximum"]?.numberValue { checks.append(.maximum(n)) }
            if let n = o["exclusiveMaximum"]?.numberValue { checks.append(.exclusiveMaximum(n)) }
            if let n = o["minimum"]?.numberValue { checks.append(.minimum(n)) }
            if let n = o["exclusiveMinimum"]?.numberValue { checks.append(.exclusiveMinimum(n)) }
            if let n = int("maxLength") { checks.append(.maxLength(n)) }
            if let n = int("minLength") { checks.append(.minLength(n)) }
            if let p = o["pattern"]?.stringValue { checks.append(.pattern(try regex(p, ctx))) }
            if let n = int("maxItems") { checks.append(.maxItems(n)) }
            if let n = int("minItems") { checks.append(.minItems(n)) }
            if o["uniqueItems"] == .bool(true) { checks.append(.uniqueItems) }
            if let n = int("maxProperties") { checks.append(.maxProperties(n)) }
            if let n = int("minProperties") { checks.append(.minProperties(n)) }
            if let r = o["required"]?.arrayValue { checks.append(.required(r.compactMap(\.stringValue))) }
            if case .object(let d)? = o["dependentRequired"] {
                checks.append(
                    .dependentRequired(d.map { ($0.key, ($0.value.arrayValue ?? []).compactMap(\.stringValue)) }))
            }
        }
        if let f = o["format"]?.stringValue, assertFormats || vocab.formatAssertion, let format = Format(rawValue: f) {
            checks.append(.format(format))
        }

        if vocab.applicator {
            var properties: [(String, SchemaNode)] = []
            if case .object(let props)? = o["properties"] {
                properties = try props.map { ($0.key, try sub($0.value, "properties/" + JSONPointer.escape($0.key))) }
            }
            var patterns: [(Pattern, SchemaNode)] = []
            if case .object(let pp)? = o["patternProperties"] {
                patterns = try pp.map {
                    (try regex($0.key, ctx), try sub($0.value, "patternProperties/" + JSONPointer.escape($0.key)))
                }
            }
            let additional = try o["additionalProperties"].map { try sub($0, "additionalProperties") }
            if !properties.isEmpty || !patterns.isEmpty || additional != nil {
                checks.append(
                    .members(
                        MemberRules(properties: PropertyTable(properties), patterns: patterns, additional: additional)))
            }
            if let pn = o["propertyNames"] { checks.append(.propertyNames(try sub(pn, "propertyNames"))) }
            if case .object(let ds)? = o["dependentSchemas"] {
                checks.append(
                    .dependentSchemas(
                        try ds.map { ($0.key, try sub($0.value, "dependentSchemas/" + JSONPointer.escape($0.key))) }))
            }
            let prefix = try subs("prefixItems")
            if let prefix { checks.append(.prefixItems(prefix)) }
            if let items = o["items"], items.arrayValue == nil {
                checks.append(.items(try sub(items, "items"), from: prefix?.count ?? 0))
            }
            if let c = o["contains"] {
                let minimum = vocab.validation ? (int("minContains") ?? 1) : 1
                let maximum = vocab.validation ? int("maxContains") : nil
                checks.append(.contains(try sub(c, "contains"), min: minimum, max: maximum))
            }
            if let all = try subs("allOf") { checks.append(.allOf(all)) }
            if let any = try subs("anyOf") { checks.append(.anyOf(any)) }
            if let one = try subs("oneOf") { checks.append(.oneOf(one)) }
            if let n = o["not"] { checks.append(.not(try sub(n, "not"))) }
            if let i = o["if"] {
                checks.append(
                    .conditional(
                        if: try sub(i, "if"), then: try o["then"].map { try sub($0, "then") },
                        else: try o["else"].map { try sub($0, "else") }))
            }
        }
        // The unevaluated keywords see what every other keyword of this schema evaluated, so they run last.
        if let u = o["unevaluatedItems"] { last.append(.unevaluatedItems(try sub(u, "unevaluatedItems"))) }
        if let u = o["unevaluatedProperties"] {
            last.append(.unevaluatedProperties(try sub(u, "unevaluatedProperties")))
        }
        node.needsAnnotations = !last.isEmpty
        node.checks = checks + last
    }

    /// Compiles every schema that declares `$dynamicAnchor: name`, keyed by resource, for run-time lookup.
    private func prepareDynamicTargets(_ name: String) throws {
        guard dynamicTargets[name] == nil else { return }
        dynamicTargets[name] = [:]
        var table: [Int: SchemaNode] = [:]
        for key in registry.dynamicAnchors.keys where key.hasSuffix("#" + name) {
            table[resourceID(String(key.dropLast(name.count + 1)))] = try compile(uri: key)
        }
        dynamicTargets[name] = table
    }
}
