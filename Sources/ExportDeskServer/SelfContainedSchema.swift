import JSON

/// A method's params or result schema made self-contained: every component it reaches is copied under
/// `$defs` and referred to as `#/$defs/Name`, so a client that has only this one schema (an MCP tool's
/// `inputSchema`, say) resolves every `$ref` in it.
extension SchemaCatalog {
    public func selfContained(_ path: String) -> JSONValue? {
        guard let document = documents[path] else { return nil }
        var defs = JSONObject()
        var pending = [String]()
        func localize(_ schema: JSONValue, from file: String) -> JSONValue {
            let rewritten = OpenRPCDocument.rewrite(schema, from: file)
            return Self.retarget(rewritten) { name in
                if defs[name] == nil && !pending.contains(name) { pending.append(name) }
            }
        }
        var root = localize(document, from: path)
        while let name = pending.first {
            pending.removeFirst()
            let file = "components/\(name).json"
            defs[name] = .null  // reserve, so a cycle does not loop
            defs[name] = documents[file].map { localize($0, from: file) } ?? .object([:])
        }
        if case .object(var o) = root {
            o["examples"] = nil
            if !defs.isEmpty { o["$defs"] = .object(defs) }
            root = .object(o)
        }
        return root
    }

    /// `#/components/schemas/Name…` → `#/$defs/Name…`, reporting each component name met.
    private static func retarget(_ schema: JSONValue, _ found: (String) -> Void) -> JSONValue {
        switch schema {
        case .object(let o):
            var out = JSONObject()
            for (key, value) in o {
                if key == "$ref", case .string(let ref) = value, ref.hasPrefix("#/components/schemas/") {
                    let rest = ref.dropFirst("#/components/schemas/".count)
                    let name = String(rest.prefix { $0 != "/" })
                    found(name)
                    out[key] = .string("#/$defs/" + rest)
                } else {
                    out[key] = retarget(value, found)
                }
            }
            return .object(out)
        case .array(let items): return .array(items.map { retarget($0, found) })
        default: return schema
        }
    }
}
