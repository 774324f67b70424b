/// The member names a schema's keywords evaluate, when they do not depend on the instance: the `properties`
/// names and `patternProperties` of the schema and of everything it applies through `$ref` and `allOf` (which
/// must all pass, so their annotations always count). `unevaluatedProperties` beside them then needs no
/// annotations at run time.
struct PropertyCover {
    var names: Set<String> = []
    var patterns: [Pattern] = []
    /// `additionalProperties` or a nested `unevaluatedProperties`: every member is evaluated.
    var all = false

    static let none = PropertyCover()

    var isEmpty: Bool { names.isEmpty && patterns.isEmpty && !all }

    mutating func merge(_ other: PropertyCover) {
        names.formUnion(other.names)
        patterns += other.patterns
        all = all || other.all
    }

    /// The cover of a node's checks, or nil when it depends on the instance: a branch of `anyOf`, `oneOf`, `if`
    /// or `dependentSchemas` that evaluates members, a `$dynamicRef`, or a reference cycle.
    static func of(_ checks: [Check], _ visiting: inout Set<ObjectIdentifier>) -> PropertyCover? {
        var cover = PropertyCover()
        for check in checks {
            switch check {
            case .members(let rules):
                cover.names.formUnion(rules.properties.names)
                cover.patterns += rules.patterns.map(\.0)
                if rules.additional != nil { cover.all = true }
            case .ref(let node):
                guard let c = of(node, &visiting) else { return nil }
                cover.merge(c)
            case .allOf(let nodes):
                for node in nodes {
                    guard let c = of(node, &visiting) else { return nil }
                    cover.merge(c)
                }
            case .unevaluatedProperties: cover.all = true
            case .dynamicRef: return nil
            case .anyOf, .oneOf, .conditional, .dependentSchemas:
                // A branch that passes for one instance and fails for another would make the cover depend on
                // the instance, unless the branch evaluates no members at all.
                for node in check.subschemas {
                    guard let c = of(node, &visiting), c.isEmpty else { return nil }
                }
            default: continue
            }
        }
        return cover
    }

    private static func of(_ node: SchemaNode, _ visiting: inout Set<ObjectIdentifier>) -> PropertyCover? {
        if node.boolean != nil { return PropertyCover() }
        guard visiting.insert(ObjectIdentifier(node)).inserted else { return nil }
        defer { visiting.remove(ObjectIdentifier(node)) }
        return of(node.checks, &visiting)
    }
}

extension Check {
    /// The subschemas this keyword applies, to the instance itself or to its parts.
    var subschemas: [SchemaNode] {
        switch self {
        case .prefixItems(let nodes), .allOf(let nodes), .anyOf(let nodes), .oneOf(let nodes): return nodes
        case .items(let node, _), .contains(let node, _, _), .propertyNames(let node), .not(let node),
            .ref(let node), .dynamicRef(let node, _), .unevaluatedItems(let node), .unevaluatedProperties(let node):
            return [node]
        case .dependentSchemas(let rules): return rules.map(\.1)
        case .members(let rules):
            return rules.properties.nodes + rules.patterns.map(\.1) + (rules.additional.map { [$0] } ?? [])
        case .conditional(let condition, let then, let otherwise):
            return [condition] + [then, otherwise].compactMap { $0 }
        default: return []
        }
    }
}
