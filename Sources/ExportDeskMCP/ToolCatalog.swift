import ExportDeskCore
import ExportDeskServer
import JSON

/// The MCP tools: one per product method, from the same method table and schemas the server serves, never
/// from a second list. A tool's name is the method's with `.` as `_` (`companies_list`): the specification
/// allows dots, but several assistants' model APIs accept only `[A-Za-z0-9_-]`, and no method name has `_`,
/// so the mapping is one to one.
struct ToolCatalog: Sendable {
    struct Tool: Sendable {
        let name: String
        let method: String
        let effect: MethodEffect
        let access: AccessRule
        let definition: JSONValue
        /// Whether the method takes a `progressToken` (sync.push, system.backup, reports…).
        let reportsProgress: Bool
        /// Whether the result is not an object and `structuredContent` wraps it as `{result: …}`.
        let wrapsResult: Bool
    }

    let tools: [Tool]
    private let byName: [String: Tool]

    /// Methods that act on the connection (authenticate, subscribe) or describe the protocol are not tools:
    /// the MCP server authenticates itself with `--token`.
    static let excluded: Set<String> = [
        "rpc.discover", "rpc.atomic", "session.authenticate", "session.whoami",
        "changes.subscribe", "changes.unsubscribe",
    ]

    init(catalog: SchemaCatalog = .embedded) {
        let effects = MethodTable.productEffects
        let rules = MethodTable.productAccessRules
        var tools: [Tool] = []
        for method in MethodTable.productMethodNames where !Self.excluded.contains(method) {
            guard let effect = effects[method], effect != .session, let access = rules[method],
                var input = catalog.selfContained("methods/\(method).params.json"),
                let output = catalog.selfContained("methods/\(method).result.json")
            else { continue }
            let params = catalog.documents["methods/\(method).params.json"] ?? .null
            let progress = input["properties"]?["progressToken"] != nil
            if case .object(var o) = input {
                // Progress travels in MCP's _meta.progressToken, not in the arguments.
                if case .object(var properties)? = o["properties"] {
                    properties["progressToken"] = nil
                    o["properties"] = .object(properties)
                }
                o["type"] = "object"
                input = .object(o)
            }
            let outputSchema = Self.objectSchema(output, catalog: catalog)
            var definition: JSONObject = [
                "name": .string(Self.toolName(method)),
                "inputSchema": input,
                "outputSchema": outputSchema,
                "annotations": Self.annotations(effect, title: params["title"]?.stringValue),
            ]
            if let title = params["title"]?.stringValue { definition["title"] = .string(title) }
            let description = [params["title"]?.stringValue, params["description"]?.stringValue].compactMap { $0 }
                .joined(separator: ". ")
            definition["description"] = .string(
                description.isEmpty ? method : description + " (ExportDesk method \(method).)")
            tools.append(
                Tool(
                    name: Self.toolName(method), method: method, effect: effect, access: access,
                    definition: .object(definition), reportsProgress: progress, wrapsResult: Self.wraps(outputSchema)))
        }
        self.tools = tools
        byName = Dictionary(uniqueKeysWithValues: tools.map { ($0.name, $0) })
    }

    static func toolName(_ method: String) -> String { method.replacingOccurrences(of: ".", with: "_") }

    func tool(named name: String) -> Tool? { byName[name] }

    /// The hints of MCP's ToolAnnotations, from the effect the method's registration declares.
    static func annotations(_ effect: MethodEffect, title: String?) -> JSONValue {
        var a: JSONObject = ["readOnlyHint": .bool(effect == .read), "openWorldHint": false]
        if effect != .read {
            a["destructiveHint"] = .bool(effect == .destructiveWrite)
            a["idempotentHint"] = .bool(effect == .idempotentWrite)
        }
        if let title { a["title"] = .string(title) }
        return .object(a)
    }

    /// An `outputSchema` must describe an object: a result that is not one is wrapped as `{result: …}`.
    static func objectSchema(_ schema: JSONValue, catalog: SchemaCatalog) -> JSONValue {
        if isObject(schema, catalog: catalog) {
            guard case .object(var o) = schema else { return schema }
            o["type"] = "object"
            return .object(o)
        }
        var wrapped: JSONObject = [
            "type": "object", "properties": ["result": schema.removing("$defs")], "required": ["result"],
        ]
        if let defs = schema["$defs"] { wrapped["$defs"] = defs }
        return .object(wrapped)
    }

    static func wraps(_ schema: JSONValue) -> Bool {
        schema["required"] == ["result"] && schema["properties"]?["result"] != nil
    }

    /// Whether every instance of `schema` is an object: its type says so, a `$ref`'s or an `allOf` member's
    /// does, or every `anyOf`/`oneOf` alternative is one.
    private static func isObject(_ schema: JSONValue, catalog: SchemaCatalog) -> Bool {
        let defs = schema["$defs"] ?? .null
        func object(_ s: JSONValue, depth: Int) -> Bool {
            guard depth < 16 else { return false }
            if let type = s["type"] { return type == "object" }
            if let ref = s["$ref"]?.stringValue, ref.hasPrefix("#/$defs/"),
                let target = defs[String(ref.dropFirst("#/$defs/".count).prefix { $0 != "/" })],
                object(target, depth: depth + 1)
            {
                return true
            }
            if (s["allOf"]?.arrayValue ?? []).contains(where: { object($0, depth: depth + 1) }) { return true }
            let alternatives = (s["anyOf"] ?? s["oneOf"])?.arrayValue ?? []
            return !alternatives.isEmpty && alternatives.allSatisfy { object($0, depth: depth + 1) }
        }
        return object(schema, depth: 0)
    }
}

extension JSONValue {
    fileprivate func removing(_ key: String) -> JSONValue {
        guard case .object(var o) = self else { return self }
        o[key] = nil
        return .object(o)
    }
}
