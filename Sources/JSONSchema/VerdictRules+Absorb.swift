/// Folding a referenced object schema into the schema that references it, so that an object is walked once.
///
/// `companies.create` is `{"$ref": "CompanyFields.json", "properties": {"idempotencyKey": …}, …}`: judged as
/// written, its members are walked twice (once per schema) and each name is hashed three times (two property
/// tables and the names `unevaluatedProperties` allows). Both schemas must pass (`$ref` and `allOf` are
/// conjunctions), so when their keywords can be combined without changing either's meaning the referenced one's
/// rules join this one's and it leaves `all`.
extension VerdictRules {
    mutating func absorbObjectSchemas() {
        guard constant == nil, walked == nil, present.isSubset(of: .object) else { return }
        var kept: [VerdictNode] = []
        for node in all {
            if !absorb(node) { kept.append(node) }
        }
        all = kept
    }

    /// Absorbs `node` when it only has object keywords that combine member by member: disjoint property names,
    /// and neither side with `patternProperties`, `additionalProperties` or `propertyNames`, whose meaning depends
    /// on which properties the same schema declares.
    private mutating func absorb(_ node: VerdictNode) -> Bool {
        guard node.link == nil, node.constant == nil, node.walked == nil, node.enumValues == nil,
            node.constValue == nil, node.present.isSubset(of: .object), node.anyOf.isEmpty, node.oneOf.isEmpty,
            node.not.isEmpty, node.conditionals.isEmpty,
            node.types == types || node.types == TypeMask.any || types == TypeMask.any
        else { return false }
        let theirs = node.object
        guard Self.combinable(object), Self.combinable(theirs), theirs.unevaluated == nil,
            Set(object.properties.names).isDisjoint(with: theirs.properties.names)
        else { return false }
        if types == TypeMask.any { types = node.types }
        all += node.all
        object.minProperties = max(object.minProperties, theirs.minProperties)
        if let limit = theirs.maxProperties { object.maxProperties = min(object.maxProperties ?? limit, limit) }
        object.required += theirs.required
        object.dependentRequired += theirs.dependentRequired
        object.dependentSchemas += theirs.dependentSchemas
        object.properties = PropertyTable(
            Array(
                zip(
                    object.properties.names + theirs.properties.names, object.properties.nodes + theirs.properties.nodes
                )))
        present.formUnion(node.present)
        return true
    }

    private static func combinable(_ o: ObjectRules) -> Bool {
        o.patterns.isEmpty && o.additional == nil && o.propertyNames == nil
    }
}
