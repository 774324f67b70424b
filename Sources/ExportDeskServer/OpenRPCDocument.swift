import ExportDeskSchemas
import JSON
import JSONRPC

/// Builds the OpenRPC 1.3.2 document of `rpc.discover` from the same Schemas/ files the server validates with.
enum OpenRPCDocument {
    static func build(
        catalog: SchemaCatalog, methods: [String], access: (String) -> AccessRule? = { _ in nil }
    ) -> JSONValue {
        var components = JSONObject()
        for path in catalog.documents.keys.sorted() where path.hasPrefix("components/") {
            components[componentName(path)] = rewrite(catalog.documents[path]!, from: path)
        }
        var list: [JSONValue] = []
        for name in methods.sorted() {
            guard let params = catalog.documents["methods/\(name).params.json"],
                let result = catalog.documents["methods/\(name).result.json"]
            else { continue }
            var entry = method(name, params: params, result: result, catalog: catalog)
            if let rule = access(name), case .object(var o) = entry {
                // Who may call it, so partners can see what they may use.
                o["x-roles"] = .array(rule.discoveryNames.map { .string($0) })
                entry = .object(o)
            }
            list.append(entry)
        }
        return [
            "openrpc": "1.3.2",
            "info": [
                "title": "ExportDesk",
                "version": .string(ExportDeskVersion.string),
                "description":
                    "System of record for a city's export-support and internship programme. JSON-RPC 2.0 over stdio and a Unix socket; params are by name.",
            ],
            "methods": .array(list),
            "components": ["schemas": .object(components)],
        ]
    }

    private static func componentName(_ path: String) -> String {
        String(path.dropFirst("components/".count).dropLast(".json".count))
    }

    private static func method(
        _ name: String, params: JSONValue, result: JSONValue, catalog: SchemaCatalog
    ) -> JSONValue {
        let paramsPath = "methods/\(name).params.json"
        let (properties, required) = objectShape(params, path: paramsPath, catalog: catalog)
        var descriptors: [JSONValue] = []
        for (key, schema) in properties {
            var d: JSONObject = [
                "name": .string(key), "required": .bool(required.contains(key)),
                "schema": rewrite(schema, from: paramsPath),
            ]
            if let text = schema["description"]?.stringValue { d["description"] = .string(text) }
            descriptors.append(.object(d))
        }
        var m: JSONObject = ["name": .string(name), "paramStructure": "by-name", "params": .array(descriptors)]
        if let summary = params["title"]?.stringValue { m["summary"] = .string(summary) }
        if let description = params["description"]?.stringValue { m["description"] = .string(description) }
        m["result"] = [
            "name": .string(result["title"]?.stringValue ?? "result"),
            "schema": rewrite(result, from: "methods/\(name).result.json"),
        ]
        m["errors"] = [
            [
                "code": .number(.int(Int64(RPCError.invalidParams([]).code))),
                "message": "Invalid params: data.errors lists every violation (instancePath, keyword, message)",
            ]
        ]
        let paramExamples = params["examples"]?.arrayValue ?? []
        let resultExamples = result["examples"]?.arrayValue ?? []
        var pairings: [JSONValue] = []
        for (i, example) in paramExamples.enumerated() {
            var values: [JSONValue] = []
            for (key, value) in example.objectValue ?? JSONObject() {
                values.append(["name": .string(key), "value": value])
            }
            var pairing: JSONObject = ["name": .string("\(name) example \(i + 1)"), "params": .array(values)]
            if i < resultExamples.count { pairing["result"] = ["name": "result", "value": resultExamples[i]] }
            pairings.append(.object(pairing))
        }
        if !pairings.isEmpty { m["examples"] = .array(pairings) }
        return .object(m)
    }

    /// The top-level properties of a params schema: its own, plus those of a component it `$ref`s, each
    /// already rewritten from the file it comes from (a component's `"Date.json"` means components/Date.json).
    private static func objectShape(
        _ schema: JSONValue, path: String, catalog: SchemaCatalog
    ) -> (JSONObject, Set<String>) {
        var properties = JSONObject()
        var required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        if let ref = schema["$ref"]?.stringValue, ref.hasPrefix("../components/") {
            let componentPath = "components/" + ref.dropFirst("../components/".count)
            if let target = catalog.documents[componentPath] {
                let (inherited, inheritedRequired) = objectShape(target, path: componentPath, catalog: catalog)
                properties = inherited
                required.formUnion(inheritedRequired)
            }
        }
        for (key, value) in schema["properties"]?.objectValue ?? JSONObject() {
            properties[key] = rewrite(value, from: path)
        }
        return (properties, required)
    }

    /// Makes a schema self-contained for the document: no `$id`/`$schema`, component references as
    /// `#/components/schemas/Name`.
    static func rewrite(_ schema: JSONValue, from path: String) -> JSONValue {
        switch schema {
        case .object(let o):
            var out = JSONObject()
            for (key, value) in o {
                if key == "$id" || key == "$schema" { continue }
                if key == "$ref", case .string(let ref) = value {
                    out[key] = .string(rewriteRef(ref, from: path))
                    continue
                }
                out[key] = rewrite(value, from: path)
            }
            return .object(out)
        case .array(let items):
            return .array(items.map { rewrite($0, from: path) })
        default:
            return schema
        }
    }

    private static func rewriteRef(_ ref: String, from path: String) -> String {
        guard !ref.hasPrefix("#") else { return ref }
        let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        var file = String(parts[0])
        let fragment = parts.count > 1 ? String(parts[1]) : ""
        if file.hasPrefix("../components/") {
            file = "components/" + file.dropFirst("../components/".count)
        } else if path.hasPrefix("components/") && !file.contains("/") {
            file = "components/" + file
        }
        guard file.hasPrefix("components/"), file.hasSuffix(".json") else { return ref }
        return "#/components/schemas/" + componentName(file) + fragment
    }
}
