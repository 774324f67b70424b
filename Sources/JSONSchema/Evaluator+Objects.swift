import JSON

extension Evaluator {
    /// The keywords on an object's members (the number of them, required names, properties and their names).
    mutating func runObject(_ check: Check, _ value: JSONValue, report: Bool, annotations: inout Annotations?) -> Bool {
        let track = annotations != nil
        switch check {
        case .maxProperties(let limit):
            guard case .object(let o) = value, o.count > limit else { return true }
            fail("maxProperties", "must have at most \(limit) propert\(limit == 1 ? "y" : "ies")", report: report)
            return false
        case .minProperties(let limit):
            guard case .object(let o) = value, o.count < limit else { return true }
            fail("minProperties", "must have at least \(limit) propert\(limit == 1 ? "y" : "ies")", report: report)
            return false
        case .required(let names):
            guard case .object(let o) = value else { return true }
            var ok = true
            for name in names where o[name] == nil {
                ok = false
                if !report { return false }
                fail("required", "is required", report: report, child: name)
            }
            return ok
        case .dependentRequired(let rules):
            guard case .object(let o) = value else { return true }
            var ok = true
            for (trigger, needed) in rules where o[trigger] != nil {
                for name in needed where o[name] == nil {
                    ok = false
                    if !report { return false }
                    fail("dependentRequired", "is required when '\(trigger)' is present", report: report, child: name)
                }
            }
            return ok
        case .dependentSchemas(let rules):
            guard case .object(let o) = value else { return true }
            var ok = true
            for (trigger, node) in rules where o[trigger] != nil {
                let r = evaluate(node, value, report: report, track: track)
                if track { annotations!.merge(r.annotations) }
                if !r.valid {
                    ok = false
                    if !report { return false }
                }
            }
            return ok

        case .members(let rules):
            guard case .object(let o) = value else { return true }
            let table = rules.properties
            let patterns = rules.patterns
            let additional = rules.additional
            var ok = true
            let keys = o.keys
            let values = o.values
            for m in 0..<keys.count {
                let key = keys[m]
                let v = values[m]
                var covered = false
                if let i = table.find(key) {
                    covered = true
                    if !child(table.nodes[i], v, key: key, report: report) {
                        ok = false
                        if !report { return false }
                    }
                }
                for (regex, node) in patterns where regex.matches(key) {
                    covered = true
                    if !child(node, v, key: key, report: report) {
                        ok = false
                        if !report { return false }
                    }
                }
                if !covered, let additional {
                    covered = true
                    if additional.boolean == false {
                        ok = false
                        if !report { return false }
                        fail("additionalProperties", "is not an allowed property", report: report, child: key)
                    } else if !child(additional, v, key: key, report: report) {
                        ok = false
                        if !report { return false }
                    }
                }
                if covered && track { annotations!.properties.insert(m) }
            }
            return ok
        case .propertyNames(let node):
            guard case .object(let o) = value else { return true }
            var ok = true
            for key in o.keys {
                let r = evaluate(node, .string(key), report: false, track: false).valid
                if !r {
                    ok = false
                    if !report { return false }
                    fail("propertyNames", "is not an allowed property name", report: report, child: key)
                }
            }
            return ok

        default: preconditionFailure("\(check) is not handled here")
        }
    }
}
