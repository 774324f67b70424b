import JSON

/// A schema compiled for a yes/no answer only (`isValid`, the server's path for every valid call).
///
/// The tree walker (`Evaluator`) runs a list of `Check`s per node, copying each enum payload and keeping the
/// instance path, the dynamic scope and annotations as it goes. Here each keyword is a field grouped by the
/// instance type it applies to, so a string value reads only string rules, and `unevaluatedProperties` is
/// resolved at compile time into the names its siblings evaluate whenever those are known statically. A node the
/// program cannot express (dynamic annotations, `unevaluatedItems`) keeps its compiled `SchemaNode` and is handed
/// to the tree walker. `validate` still walks the tree: errors, their order and their paths come from one place.
///
/// Every field is a `let`: a class's `var` is checked for exclusive access at run time on every read, which cost
/// more than the checks themselves.
final class VerdictNode {
    /// A reference back to a node still being built (a recursive schema), resolved once the graph is complete.
    let link: VerdictLink?
    /// A schema whose answer is known without looking (`true`, `false`, `{}`).
    let constant: Bool?
    /// Judged by the tree walker instead.
    let walked: SchemaNode?
    let types: TypeMask
    let enumValues: [JSONValue]?
    let constValue: JSONValue?
    // The rules by instance type, stored in place and flagged, not optional: binding an optional struct copies
    // it (and retains everything in it) on every call.
    let string: StringRules
    let number: NumberRules
    let array: ArrayRules
    let object: ObjectRules
    let present: Present
    /// `$ref` and `allOf`: every one must accept.
    let all: [VerdictNode]
    let anyOf: [[VerdictNode]]
    let oneOf: [[VerdictNode]]
    let not: [VerdictNode]
    let conditionals: [(if: VerdictNode, then: VerdictNode?, else: VerdictNode?)]

    init(_ rules: VerdictRules, link: VerdictLink? = nil) {
        self.link = link
        constant = rules.constant
        walked = rules.walked
        types = rules.types
        enumValues = rules.enumValues
        constValue = rules.constValue
        string = rules.string
        number = rules.number
        array = rules.array
        object = rules.object
        present = rules.present
        all = rules.all
        anyOf = rules.anyOf
        oneOf = rules.oneOf
        not = rules.not
        conditionals = rules.conditionals
    }

    /// Whether `value` is valid against this schema.
    ///
    /// `readonly`: judging writes nothing a caller can see (the tree walker's state and the bytes a string check
    /// reads are its own) and releases nothing it did not retain. Told so, the optimizer passes each member and
    /// each child node borrowed instead of copying the value out of its array and retaining the node around the
    /// call, which was two thirds of the retains and half the time of a valid `companies.create`.
    @_effects(readonly) func accepts(_ value: JSONValue) -> Bool {
        if let link { return link.target!.accepts(value) }
        if let constant { return constant }
        if let walked {
            var evaluator = Evaluator(dynamicTargets: [:], collecting: false)
            return evaluator.evaluate(walked, value, report: false, track: false).valid
        }
        switch value {
        case .string(let s):
            guard types.contains(.string) else { return false }
            if present.contains(.string), !string.accepts(s) { return false }
        case .number(let n):
            guard types.contains(.number) || (types.contains(.integer) && n.isInteger) else { return false }
            if present.contains(.number), !number.accepts(n) { return false }
        case .object(let o):
            guard types.contains(.object) else { return false }
            if present.contains(.object), !object.accepts(o) { return false }
        case .array(let a):
            guard types.contains(.array) else { return false }
            if present.contains(.array), !array.accepts(a) { return false }
        case .bool:
            guard types.contains(.boolean) else { return false }
        case .null:
            guard types.contains(.null) else { return false }
        }
        if let enumValues, !enumValues.contains(value) { return false }
        if let constValue, constValue != value { return false }
        for node in all where !node.accepts(value) { return false }
        if !anyOf.isEmpty || !oneOf.isEmpty || !not.isEmpty || !conditionals.isEmpty { return combinators(value) }
        return true
    }

    private func combinators(_ value: JSONValue) -> Bool {
        for branches in anyOf where !branches.contains(where: { $0.accepts(value) }) { return false }
        for branches in oneOf {
            var matches = 0
            for node in branches where node.accepts(value) {
                matches += 1
                if matches > 1 { return false }
            }
            if matches == 0 { return false }
        }
        for node in not where node.accepts(value) { return false }
        for c in conditionals {
            if c.if.accepts(value) {
                if let then = c.then, !then.accepts(value) { return false }
            } else if let otherwise = c.else, !otherwise.accepts(value) {
                return false
            }
        }
        return true
    }
}

/// The other end of a recursive reference.
final class VerdictLink {
    var target: VerdictNode?
}

/// One schema's keywords for `VerdictNode`, grouped by the instance type they apply to.
/// A schema's keywords as the builder collects them, before they become a `VerdictNode`'s fields.
struct VerdictRules {
    /// A schema whose answer is known without looking (`true`, `false`, `{}`).
    var constant: Bool?
    /// Judged by the tree walker instead.
    var walked: SchemaNode?
    var types = TypeMask.any
    var enumValues: [JSONValue]?
    var constValue: JSONValue?
    // The rules by instance type, stored in place and flagged, not optional: binding an optional struct copies
    // it (and retains everything in it) on every call.
    var string = StringRules()
    var number = NumberRules()
    var array = ArrayRules()
    var object = ObjectRules()
    var present = Present()
    /// `$ref` and `allOf`: every one must accept.
    var all: [VerdictNode] = []
    var anyOf: [[VerdictNode]] = []
    var oneOf: [[VerdictNode]] = []
    var not: [VerdictNode] = []
    var conditionals: [(if: VerdictNode, then: VerdictNode?, else: VerdictNode?)] = []
}

/// Which rule groups of a `VerdictRules` hold anything.
struct Present: OptionSet {
    let rawValue: UInt8
    static let string = Present(rawValue: 1)
    static let number = Present(rawValue: 2)
    static let array = Present(rawValue: 4)
    static let object = Present(rawValue: 8)
}

/// `minLength`, `maxLength`, `pattern` and asserted `format`s of one schema.
struct StringRules {
    var minLength = 0
    var maxLength: Int?
    var patterns: [Pattern] = []
    var formats: [Format] = []

    @inline(__always) func accepts(_ s: String) -> Bool {
        if minLength > 0 || maxLength != nil {
            // Scalars never outnumber UTF-8 bytes and never fall below a quarter of them: most strings are
            // judged by their byte count alone.
            let bytes = s.utf8.count
            if bytes < minLength { return false }
            if bytes < 4 * minLength && s.unicodeScalars.count < minLength { return false }
            if let maxLength, bytes > maxLength, s.unicodeScalars.count > maxLength { return false }
        }
        for p in patterns where !p.matches(s) { return false }
        for f in formats where !f.accepts(s) { return false }
        return true
    }
}

/// The numeric keywords of one schema.
struct NumberRules {
    var minimum: JSONNumber?
    var maximum: JSONNumber?
    var exclusiveMinimum: JSONNumber?
    var exclusiveMaximum: JSONNumber?
    var multipleOf: [JSONNumber] = []

    @inline(__always) func accepts(_ n: JSONNumber) -> Bool {
        if let minimum, n < minimum { return false }
        if let maximum, maximum < n { return false }
        if let exclusiveMinimum, !(exclusiveMinimum < n) { return false }
        if let exclusiveMaximum, !(n < exclusiveMaximum) { return false }
        for d in multipleOf where !NumberMath.isMultiple(n, of: d) { return false }
        return true
    }
}

/// The array keywords of one schema.
struct ArrayRules {
    var minItems = 0
    var maxItems: Int?
    var unique = false
    var prefix: [VerdictNode] = []
    var items: VerdictNode?
    var contains: (node: VerdictNode, min: Int, max: Int?)?

    @inline(__always) func accepts(_ a: [JSONValue]) -> Bool {
        if a.count < minItems { return false }
        if let maxItems, a.count > maxItems { return false }
        for i in 0..<min(prefix.count, a.count) where !prefix[i].accepts(a[i]) { return false }
        if let items {
            let itemsPass = a.withUnsafeBufferPointer { buffer in
                var i = prefix.count
                while i < buffer.count {
                    if !items.accepts(buffer[i]) { return false }
                    i += 1
                }
                return true
            }
            if !itemsPass { return false }
        }
        if let contains {
            var matched = 0
            for item in a where contains.node.accepts(item) { matched += 1 }
            if matched < contains.min { return false }
            if let max = contains.max, matched > max { return false }
        }
        if unique && a.count > 1 && Evaluator.firstDuplicate(a) != nil { return false }
        return true
    }
}
