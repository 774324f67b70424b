import Foundation
import JSON

/// What a schema evaluated of an instance, for `unevaluatedProperties` and `unevaluatedItems`.
struct Annotations {
    /// The instance object's members evaluated, by position: annotations are merged only between schemas
    /// applied to the same instance, so a member's position names it (and needs no hashing).
    var properties = MemberSet()
    /// Items evaluated from the start by `prefixItems` / `items` (Int.max = all).
    var itemPrefix = 0
    var containsIndexes: Set<Int> = []

    mutating func merge(_ other: Annotations?) {
        guard let other else { return }
        properties.formUnion(other.properties)
        itemPrefix = max(itemPrefix, other.itemPrefix)
        containsIndexes.formUnion(other.containsIndexes)
    }
}

/// One validation run: the instance path, the dynamic scope, and the errors found.
struct Evaluator {
    let dynamicTargets: [String: [Int: SchemaNode]]
    let collecting: Bool
    var errors: [SchemaValidationError] = []
    private var path: [String] = []
    var scope: [Int] = []

    init(dynamicTargets: [String: [Int: SchemaNode]], collecting: Bool) {
        self.dynamicTargets = dynamicTargets
        self.collecting = collecting
    }

    private var pointer: String { path.isEmpty ? "" : "/" + path.map(JSONPointer.escape).joined(separator: "/") }

    mutating func fail(
        _ keyword: String, _ message: @autoclosure () -> String, report: Bool, child: String? = nil
    ) {
        guard report, errors.count < JSONSchemaValidator.maxErrors else { return }
        var at = pointer
        if let child { at += "/" + JSONPointer.escape(child) }
        errors.append(SchemaValidationError(instancePath: at, keyword: keyword, message: message()))
    }

    /// Evaluates `node` against `value`. `report` collects errors; `track` returns annotations.
    /// When not reporting, evaluation stops at the first failure.
    mutating func evaluate(
        _ node: SchemaNode, _ value: JSONValue, report: Bool, track: Bool
    ) -> (valid: Bool, annotations: Annotations?) {
        if let b = node.boolean {
            if !b { fail("false", "is not allowed here", report: report) }
            return (b, nil)
        }
        let entered = scope.last != node.resourceID
        if entered { scope.append(node.resourceID) }
        defer { if entered { scope.removeLast() } }

        let wantAnnotations = track || node.needsAnnotations
        var annotations: Annotations? = wantAnnotations ? Annotations() : nil
        var valid = true
        // Borrow each check from the node's storage instead of copying it (a copy retains its payload).
        let failedFast = node.checks.withUnsafeBufferPointer { checks -> Bool in
            for i in 0..<checks.count where !run(checks[i], value, report: report, annotations: &annotations) {
                valid = false
                if !report { return true }
            }
            return false
        }
        if failedFast { return (false, nil) }
        // While reporting, a failed schema still says what it evaluated: the instance is invalid either way,
        // and without this a property that fails its own schema would also be reported by a sibling
        // `unevaluatedProperties` as "not allowed".
        return (valid, (valid || report) && track ? annotations : nil)
    }

    /// Evaluates a member or item. The instance path is only kept while errors are being reported.
    mutating func child(
        _ node: SchemaNode, _ value: JSONValue, key: @autoclosure () -> String, report: Bool
    ) -> Bool {
        guard report else { return evaluate(node, value, report: false, track: false).valid }
        path.append(key())
        defer { path.removeLast() }
        return evaluate(node, value, report: true, track: false).valid
    }

    private mutating func run(_ check: Check, _ value: JSONValue, report: Bool, annotations: inout Annotations?) -> Bool
    {
        let track = annotations != nil
        switch check {
        case .type(let mask):
            if mask.matches(value) { return true }
            fail("type", "must be \(mask.names.joined(separator: " or ")), not \(value.typeName)", report: report)
            return false

        case .enumeration(let values, let shown):
            if values.contains(value) { return true }
            fail("enum", values.count == 1 ? "must be \(shown)" : "must be one of: \(shown)", report: report)
            return false

        case .constant(let expected):
            if value == expected { return true }
            fail("const", "must be \(expected.serializedString())", report: report)
            return false

        case .multipleOf(let divisor):
            guard case .number(let n) = value else { return true }
            if NumberMath.isMultiple(n, of: divisor) { return true }
            fail("multipleOf", "must be a multiple of \(divisor.text)", report: report)
            return false

        case .maximum(let limit):
            guard case .number(let n) = value, limit < n else { return true }
            fail("maximum", "must be at most \(limit.text)", report: report)
            return false
        case .exclusiveMaximum(let limit):
            guard case .number(let n) = value, !(n < limit) else { return true }
            fail("exclusiveMaximum", "must be less than \(limit.text)", report: report)
            return false
        case .minimum(let limit):
            guard case .number(let n) = value, n < limit else { return true }
            fail("minimum", "must be at least \(limit.text)", report: report)
            return false
        case .exclusiveMinimum(let limit):
            guard case .number(let n) = value, !(limit < n) else { return true }
            fail("exclusiveMinimum", "must be greater than \(limit.text)", report: report)
            return false

        case .maxLength(let limit):
            guard case .string(let s) = value, s.utf8.count > limit, s.unicodeScalars.count > limit else { return true }
            // (bytes ≤ limit means scalars ≤ limit; only longer strings are counted.)
            fail("maxLength", "must have at most \(limit) character\(limit == 1 ? "" : "s")", report: report)
            return false
        case .minLength(let limit):
            // Scalars never outnumber UTF-8 bytes, and never fall below a quarter of them.
            guard case .string(let s) = value else { return true }
            let bytes = s.utf8.count
            guard bytes < limit || (bytes < 4 * limit && s.unicodeScalars.count < limit) else { return true }
            fail(
                "minLength", limit == 1 ? "must not be empty" : "must have at least \(limit) characters", report: report
            )
            return false
        case .pattern(let regex):
            guard case .string(let s) = value, !regex.matches(s) else { return true }
            fail("pattern", "must match the pattern \(regex.source)", report: report)
            return false
        case .format(let format):
            guard case .string(let s) = value, !format.accepts(s) else { return true }
            fail("format", "must be \(format.expectation)", report: report)
            return false

        case .maxItems(let limit):
            guard case .array(let a) = value, a.count > limit else { return true }
            fail("maxItems", "must have at most \(limit) item\(limit == 1 ? "" : "s")", report: report)
            return false
        case .minItems(let limit):
            guard case .array(let a) = value, a.count < limit else { return true }
            fail("minItems", "must have at least \(limit) item\(limit == 1 ? "" : "s")", report: report)
            return false
        case .uniqueItems:
            guard case .array(let a) = value, a.count > 1 else { return true }
            if let (i, j) = Self.firstDuplicate(a) {
                fail("uniqueItems", "must not contain duplicates (items \(i) and \(j) are equal)", report: report)
                return false
            }
            return true

        case .prefixItems(let nodes):
            guard case .array(let a) = value else { return true }
            var ok = true
            for (i, item) in a.prefix(nodes.count).enumerated()
            where !child(nodes[i], item, key: String(i), report: report) {
                ok = false
                if !report { return false }
            }
            if track { annotations!.itemPrefix = max(annotations!.itemPrefix, min(a.count, nodes.count)) }
            return ok
        case .items(let node, let start):
            guard case .array(let a) = value else { return true }
            var ok = true
            var i = start
            while i < a.count {
                if !child(node, a[i], key: String(i), report: report) {
                    ok = false
                    if !report { return false }
                }
                i += 1
            }
            if track { annotations!.itemPrefix = Int.max }
            return ok
        case .contains(let node, let minimum, let maximum):
            guard case .array(let a) = value else { return true }
            var matched: [Int] = []
            for (i, item) in a.enumerated() where child(node, item, key: String(i), report: false) { matched.append(i) }
            if track { annotations!.containsIndexes.formUnion(matched) }
            if matched.count < minimum {
                fail(
                    minimum == 1 ? "contains" : "minContains",
                    "must contain at least \(minimum) matching item\(minimum == 1 ? "" : "s") (found \(matched.count))",
                    report: report)
                return false
            }
            if let maximum, matched.count > maximum {
                fail(
                    "maxContains",
                    "must contain at most \(maximum) matching item\(maximum == 1 ? "" : "s") (found \(matched.count))",
                    report: report)
                return false
            }
            return true

        case .maxProperties, .minProperties, .required, .dependentRequired, .dependentSchemas, .members,
            .propertyNames:
            return runObject(check, value, report: report, annotations: &annotations)
        case .allOf, .anyOf, .oneOf, .not, .conditional, .ref, .dynamicRef, .unevaluatedItems, .unevaluatedProperties:
            return runApplicator(check, value, report: report, annotations: &annotations)
        }
    }

    static func firstDuplicate(_ a: [JSONValue]) -> (Int, Int)? {
        if a.count <= 16 {
            for i in 0..<a.count { for j in (i + 1)..<a.count where same(a[i], a[j]) { return (i, j) } }
            return nil
        }
        var seen: [JSONValue: Int] = [:]
        seen.reserveCapacity(a.count)
        for (j, v) in a.enumerated() {
            if let i = seen[v] { return (i, j) }
            seen[v] = j
        }
        return nil
    }

    /// JSON equality, with the usual case of unique items (codes, markets, tags) first: two strings are
    /// compared as strings, without the general comparison's switch over both values.
    @inline(__always) private static func same(_ x: JSONValue, _ y: JSONValue) -> Bool {
        if case .string(let l) = x, case .string(let r) = y { return l == r }
        return x == y
    }
}

extension NSRegularExpression {
    /// ECMA-262 style search: the pattern may match anywhere in the string.
    func matches(_ s: String) -> Bool {
        firstMatch(in: s, options: [], range: NSRange(s.startIndex..<s.endIndex, in: s)) != nil
    }
}
