import JSON

extension Evaluator {
    /// The keywords that apply subschemas to the same instance (allOf, anyOf, oneOf, not, if, references) and the unevaluated keywords that read their annotations.
    mutating func runApplicator(
        _ check: Check, _ value: JSONValue, report: Bool, annotations: inout Annotations?
    ) -> Bool {
        let track = annotations != nil
        switch check {
        case .allOf(let nodes):
            var ok = true
            for node in nodes {
                let r = evaluate(node, value, report: report, track: track)
                if track { annotations!.merge(r.annotations) }
                if !r.valid {
                    ok = false
                    if !report { return false }
                }
            }
            return ok
        case .anyOf(let nodes):
            var ok = false
            for node in nodes {
                let r = evaluate(node, value, report: false, track: track)
                if r.valid {
                    ok = true
                    if !track { break }
                    annotations!.merge(r.annotations)
                }
            }
            if !ok { fail("anyOf", "must match at least one of the allowed schemas", report: report) }
            return ok
        case .oneOf(let nodes):
            var matches = 0
            var matched: Annotations?
            for node in nodes {
                let r = evaluate(node, value, report: false, track: track)
                if r.valid {
                    matches += 1
                    matched = r.annotations
                    if matches > 1 && !report { return false }
                }
            }
            if matches == 1 {
                if track { annotations!.merge(matched) }
                return true
            }
            fail(
                "oneOf",
                matches == 0
                    ? "must match exactly one of the allowed schemas (matches none)"
                    : "must match exactly one of the allowed schemas (matches \(matches))", report: report)
            return false
        case .not(let node):
            if evaluate(node, value, report: false, track: false).valid {
                fail("not", "must not match the excluded schema", report: report)
                return false
            }
            return true
        case .conditional(let condition, let then, let otherwise):
            let c = evaluate(condition, value, report: false, track: track)
            if c.valid {
                if track { annotations!.merge(c.annotations) }
                guard let then else { return true }
                let r = evaluate(then, value, report: report, track: track)
                if track { annotations!.merge(r.annotations) }
                return r.valid
            }
            guard let otherwise else { return true }
            let r = evaluate(otherwise, value, report: report, track: track)
            if track { annotations!.merge(r.annotations) }
            return r.valid

        case .ref(let node):
            let r = evaluate(node, value, report: report, track: track)
            if track { annotations!.merge(r.annotations) }
            return r.valid
        case .dynamicRef(let staticTarget, let anchor):
            var target = staticTarget
            if let anchor, let table = dynamicTargets[anchor] {
                // The outermost schema resource in the dynamic scope that declares this dynamic anchor wins.
                for resource in scope {
                    if let n = table[resource] {
                        target = n
                        break
                    }
                }
            }
            let r = evaluate(target, value, report: report, track: track)
            if track { annotations!.merge(r.annotations) }
            return r.valid

        case .unevaluatedItems(let node):
            guard case .array(let a) = value else { return true }
            let seen = annotations ?? Annotations()
            var ok = true
            var i = seen.itemPrefix
            while i < a.count {
                if !seen.containsIndexes.contains(i) {
                    if !child(node, a[i], key: String(i), report: report) {
                        ok = false
                        if !report { return false }
                    }
                }
                i += 1
            }
            if track { annotations!.itemPrefix = Int.max }
            return ok
        case .unevaluatedProperties(let node):
            guard case .object(let o) = value else { return true }
            let seen = annotations?.properties ?? MemberSet()
            var ok = true
            for (m, (key, v)) in o.enumerated() where !seen.contains(m) {
                if node.boolean == false {
                    ok = false
                    if !report { return false }
                    fail("unevaluatedProperties", "is not an allowed property", report: report, child: key)
                } else if !child(node, v, key: key, report: report) {
                    ok = false
                    if !report { return false }
                }
                if track { annotations!.properties.insert(m) }
            }
            return ok
        default: preconditionFailure("\(check) is not handled here")
        }
    }
}
