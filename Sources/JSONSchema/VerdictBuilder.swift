import JSON

/// Turns a compiled `SchemaNode` graph into the `VerdictNode` program `isValid` runs. Each schema node becomes
/// one verdict node (references share them, so cycles stay cycles); a node whose `$ref` is all it has becomes its
/// target.
struct VerdictBuilder {
    private var built: [ObjectIdentifier: VerdictNode] = [:]
    private var aliasing: Set<ObjectIdentifier> = []
    private var building: Set<ObjectIdentifier> = []
    private var links: [ObjectIdentifier: [VerdictLink]] = [:]

    /// The program for `root`, or nil when the graph uses `$dynamicRef`, whose target depends on the dynamic
    /// scope that only the tree walker keeps.
    static func program(_ root: SchemaNode) -> VerdictNode? {
        var seen: Set<ObjectIdentifier> = []
        guard !usesDynamicReferences(root, &seen) else { return nil }
        var builder = VerdictBuilder()
        return builder.build(root)
    }

    private static func usesDynamicReferences(_ node: SchemaNode, _ seen: inout Set<ObjectIdentifier>) -> Bool {
        guard seen.insert(ObjectIdentifier(node)).inserted else { return false }
        for check in node.checks {
            if case .dynamicRef = check { return true }
            for child in check.subschemas where usesDynamicReferences(child, &seen) { return true }
        }
        return false
    }

    mutating func build(_ node: SchemaNode) -> VerdictNode {
        let id = ObjectIdentifier(node)
        if let done = built[id] { return done }
        if node.boolean == nil, node.checks.count == 1, case .ref(let target) = node.checks[0],
            aliasing.insert(id).inserted
        {
            let alias = build(target)
            aliasing.remove(id)
            built[id] = alias
            return alias
        }
        if building.contains(id) {
            let link = VerdictLink()
            links[id, default: []].append(link)
            return VerdictNode(VerdictRules(), link: link)
        }
        building.insert(id)
        let verdict = VerdictNode(rules(of: node))
        building.remove(id)
        built[id] = verdict
        for link in links.removeValue(forKey: id) ?? [] { link.target = verdict }
        return verdict
    }

    private mutating func rules(of node: SchemaNode) -> VerdictRules {
        var rules = VerdictRules()
        if let b = node.boolean {
            rules.constant = b
            return rules
        }
        if node.checks.isEmpty {
            rules.constant = true
            return rules
        }
        var unevaluated: SchemaNode?
        for check in node.checks {
            switch check {
            case .unevaluatedItems:
                rules.walked = node
                return rules
            case .unevaluatedProperties(let u): unevaluated = u
            default: continue
            }
        }
        var cover = PropertyCover.none
        if unevaluated != nil {
            var visiting: Set<ObjectIdentifier> = []
            // The siblings' cover: the keyword's own "everything is evaluated" must not count for itself.
            let siblings = node.checks.filter {
                if case .unevaluatedProperties = $0 { return false } else { return true }
            }
            guard let c = PropertyCover.of(siblings, &visiting) else {
                rules.walked = node
                return rules
            }
            cover = c
        }
        for check in node.checks {
            add(check, to: &rules)
            rules.present.formUnion(check.group)
        }
        rules.absorbObjectSchemas()
        if let unevaluated, !cover.all {
            rules.present.insert(.object)
            rules.object.unevaluated = StaticUnevaluated(
                names: cover.names, patterns: cover.patterns, node: build(unevaluated))
        }
        return rules
    }

    private mutating func add(_ check: Check, to v: inout VerdictRules) {
        switch check {
        case .type(let mask): v.types = v.types.intersection(mask)
        case .enumeration(let values, _): v.enumValues = values
        case .constant(let c): v.constValue = c
        case .multipleOf(let d): v.number.multipleOf.append(d)
        case .maximum(let n): v.number.maximum = n
        case .exclusiveMaximum(let n): v.number.exclusiveMaximum = n
        case .minimum(let n): v.number.minimum = n
        case .exclusiveMinimum(let n): v.number.exclusiveMinimum = n
        case .maxLength(let n): v.string.maxLength = n
        case .minLength(let n): v.string.minLength = n
        case .pattern(let p): v.string.patterns.append(p)
        case .format(let f): v.string.formats.append(f)
        case .maxItems(let n): v.array.maxItems = n
        case .minItems(let n): v.array.minItems = n
        case .uniqueItems: v.array.unique = true
        case .prefixItems(let nodes): v.array.prefix = nodes.map { build($0) }
        case .items(let node, _): v.array.items = build(node)
        case .contains(let node, let minimum, let maximum):
            v.array.contains = (build(node), minimum, maximum)
        case .maxProperties(let n): v.object.maxProperties = n
        case .minProperties(let n): v.object.minProperties = n
        case .required(let names): v.object.required = names
        case .dependentRequired(let rules): v.object.dependentRequired = rules
        case .dependentSchemas(let rules): v.object.dependentSchemas = rules.map { ($0.0, build($0.1)) }
        case .members(let rules):
            let nodes = rules.properties.nodes.map { build($0) }
            v.object.properties = PropertyTable(Array(zip(rules.properties.names, nodes)))
            v.object.patterns = rules.patterns.map { ($0.0, build($0.1)) }
            v.object.additional = rules.additional.map { build($0) }
        case .propertyNames(let node): v.object.propertyNames = build(node)
        case .allOf(let nodes): v.all += nodes.map { build($0) }
        case .ref(let node): v.all.append(build(node))
        case .anyOf(let nodes): v.anyOf.append(nodes.map { build($0) })
        case .oneOf(let nodes): v.oneOf.append(nodes.map { build($0) })
        case .not(let node): v.not.append(build(node))
        case .conditional(let condition, let then, let otherwise):
            v.conditionals.append((build(condition), then.map { build($0) }, otherwise.map { build($0) }))
        case .dynamicRef, .unevaluatedItems, .unevaluatedProperties: break  // handled by `fill`
        }
    }
}

extension Check {
    /// The rule group of `VerdictRules` this keyword is stored in.
    fileprivate var group: Present {
        switch self {
        case .multipleOf, .maximum, .exclusiveMaximum, .minimum, .exclusiveMinimum: return .number
        case .maxLength, .minLength, .pattern, .format: return .string
        case .maxItems, .minItems, .uniqueItems, .prefixItems, .items, .contains: return .array
        case .maxProperties, .minProperties, .required, .dependentRequired, .dependentSchemas, .members,
            .propertyNames:
            return .object
        default: return []
        }
    }
}
