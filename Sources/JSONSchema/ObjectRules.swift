import JSON

/// The object keywords of one `VerdictNode`, applied in one pass over the instance's members.
struct ObjectRules {
    var minProperties = 0
    var maxProperties: Int?
    var required: [String] = []
    var dependentRequired: [(String, [String])] = []
    var dependentSchemas: [(String, VerdictNode)] = []
    var properties = PropertyTable<VerdictNode>([])
    var patterns: [(Pattern, VerdictNode)] = []
    var additional: VerdictNode?
    var propertyNames: VerdictNode?
    /// `unevaluatedProperties` with the names and patterns its sibling keywords evaluate, known at compile time.
    var unevaluated: StaticUnevaluated?

    @inline(__always) func accepts(_ o: JSONObject) -> Bool {
        if o.count < minProperties { return false }
        if let maxProperties, o.count > maxProperties { return false }
        for name in required where !o.contains(name) { return false }
        for (trigger, names) in dependentRequired where o.contains(trigger) {
            for name in names where !o.contains(name) { return false }
        }
        // Through buffer pointers, each member is borrowed rather than copied out (and retained) per check.
        let membersPass = o.keys.withUnsafeBufferPointer { keys in
            o.values.withUnsafeBufferPointer { values in members(keys, values) }
        }
        guard membersPass else { return false }
        for (trigger, node) in dependentSchemas where o.contains(trigger) {
            if !node.accepts(.object(o)) { return false }
        }
        return true
    }

    @inline(__always) private func members(
        _ keys: UnsafeBufferPointer<String>, _ values: UnsafeBufferPointer<JSONValue>
    ) -> Bool {
        let hashes = !properties.isEmpty || unevaluated != nil
        for m in 0..<keys.count {
            var covered = false
            // One hash per member, for this schema's table and the names `unevaluatedProperties` allows.
            let hash = hashes ? PropertyTable<Bool>.hash(keys[m]) : 0
            if !properties.isEmpty, let i = properties.find(keys[m], hash: hash) {
                covered = true
                if !properties.nodes[i].accepts(values[m]) { return false }
            }
            if !patterns.isEmpty {
                for (regex, node) in patterns where regex.matches(keys[m]) {
                    covered = true
                    if !node.accepts(values[m]) { return false }
                }
            }
            if !covered, let additional, !additional.accepts(values[m]) { return false }
            if !covered, let unevaluated, !unevaluated.accepts(keys[m], hash: hash, values[m]) { return false }
            if let propertyNames, !propertyNames.accepts(.string(keys[m])) { return false }
        }
        return true
    }
}

/// `unevaluatedProperties` whose siblings (through `$ref` and `allOf`) evaluate a set of names and patterns known
/// when the schema is compiled: a member outside them must match `node`, with no annotations kept at run time.
final class StaticUnevaluated {
    let names: PropertyTable<Bool>
    let patterns: [Pattern]
    let node: VerdictNode

    init(names: Set<String>, patterns: [Pattern], node: VerdictNode) {
        self.names = PropertyTable(names.sorted().map { ($0, true) })
        self.patterns = patterns
        self.node = node
    }

    func accepts(_ key: String, hash: Int, _ value: JSONValue) -> Bool {
        if names.find(key, hash: hash) != nil { return true }
        for p in patterns where p.matches(key) { return true }
        return node.accepts(value)
    }
}
