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
            // Who may call it (x-roles), so partners can see what they may use.
            let roles = access(name).map { JSONValue.array($0.discoveryNames.map { .string($0) }) }
            let entry = method(name, params: params, result: result, catalog: catalog)
            list.append(.object(JSONObject(optional: entry.map { ($0.key, .some($0.value)) } + [("x-roles", roles)])))
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
        _ name: String, params paramsJSON: JSONValue, result resultJSON: JSONValue, catalog: SchemaCatalog
    ) -> JSONObject {
        let (params, result) = (SchemaView(paramsJSON), SchemaView(resultJSON))
        let paramsPath = "methods/\(name).params.json"
        let (properties, required) = objectShape(params, path: paramsPath, catalog: catalog)
        let descriptors: [JSONValue] = properties.map { key, schema in
            .object(
                JSONObject(optional: [
                    ("name", .string(key)), ("required", .bool(required.contains(key))),
                    ("schema", rewrite(schema.json, from: paramsPath)),
                    ("description", schema.description.map(JSONValue.string)),
                ]))
        }
        let resultExamples = result.examples
        let pairings: [JSONValue] = params.examples.enumerated().map { i, example in
            let values: [JSONValue] = (example.objectValue ?? JSONObject()).map {
                ["name": .string($0.key), "value": $0.value]
            }
            return .object(
                JSONObject(optional: [
                    ("name", .string("\(name) example \(i + 1)")), ("params", .array(values)),
                    ("result", i < resultExamples.count ? ["name": "result", "value": resultExamples[i]] : nil),
                ]))
        }
        return JSONObject(optional: [
            ("name", .string(name)), ("paramStructure", "by-name"), ("params", .array(descriptors)),
            ("summary", params.title.map(JSONValue.string)), ("description", params.description.map(JSONValue.string)),
            (
                "result",
                [
                    "name": .string(result.title ?? "result"),
                    "schema": rewrite(resultJSON, from: "methods/\(name).result.json"),
                ]
            ),
            (
                "errors",
                [
                    [
                        "code": .number(.int(Int64(RPCError.invalidParams([]).code))),
                        "message": "Invalid params: data.errors lists every violation (instancePath, keyword, message)",
                    ]
                ]
            ),
            ("examples", pairings.isEmpty ? nil : .array(pairings)),
        ])
    }

    /// The top-level properties of a params schema: its own, plus those of a component it `$ref`s, each
    /// already rewritten from the file it comes from (a component's `"Date.json"` means components/Date.json).
    private static func objectShape(
        _ schema: SchemaView, path: String, catalog: SchemaCatalog
    ) -> ([(String, SchemaView)], Set<String>) {
        var properties: [(String, SchemaView)] = []
        var required = schema.required
        if let ref = schema.ref, ref.hasPrefix("../components/") {
            let componentPath = "components/" + ref.dropFirst("../components/".count)
            if let target = catalog.documents[componentPath] {
                let (inherited, inheritedRequired) = objectShape(
                    SchemaView(target), path: componentPath, catalog: catalog)
                properties = inherited
                required.formUnion(inheritedRequired)
            }
        }
        for (key, value) in schema.properties {
            let rewritten = SchemaView(rewrite(value.json, from: path))
            if let i = properties.firstIndex(where: { $0.0 == key }) {
                properties[i].1 = rewritten
            } else {
                properties.append((key, rewritten))
            }
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
