import JSON
import JSONRPC

/// Records as MCP resources: `exportdesk://<collection>/<id>` read through `<collection>.get`, listed page by
/// page through `<collection>.list`, one template per collection, and record ids completed from a prefix.
/// Only collections whose methods the caller's role may call are offered.
struct MCPResources {
    let server: MCPServer

    /// The collections with a `get` and a `list`, and the field that names a record in a listing.
    static let collections: [(name: String, label: String)] = [
        ("companies", "name"), ("staff", "name"), ("requests", "subject"), ("events", "title"),
        ("participations", "id"),
        ("strategies", "title"), ("institutions", "name"), ("agreements", "number"), ("offers", "title"),
        ("students", "fullName"), ("placements", "id"),
    ]

    /// The collections the offered tools can read.
    var readable: [(name: String, label: String)] {
        let methods = Set(server.offered.map(\.method))
        return Self.collections.filter { methods.contains("\($0.name).get") && methods.contains("\($0.name).list") }
    }

    static func template(_ collection: String) -> String { "exportdesk://\(collection)/{id}" }

    func register(in registry: inout RPCMethodRegistry) {
        registry.register(
            RPCMethod(
                name: "resources/templates/list",
                handler: .sync { _, _ in
                    [
                        "resourceTemplates": .array(
                            readable.map { c in
                                [
                                    "uriTemplate": .string(Self.template(c.name)), "name": .string(c.name),
                                    "title": .string("ExportDesk \(c.name)"),
                                    "description": .string("One record of \(c.name), as \(c.name).get answers it."),
                                    "mimeType": "application/json",
                                ]
                            })
                    ]
                }))
        registry.register(RPCMethod(name: "resources/list", handler: .async { _, params in try await list(params) }))
        registry.register(RPCMethod(name: "resources/read", handler: .async { _, params in try await read(params) }))
        registry.register(
            RPCMethod(name: "completion/complete", handler: .async { _, params in try await complete(params) }))
    }

    /// The cursor is `<collection index>:<that collection's nextCursor>`.
    private func list(_ params: JSONValue) async throws -> JSONValue {
        let collections = readable
        var index = 0
        var inner: JSONValue = .null
        if let cursor = params["cursor"] {
            guard let text = cursor.stringValue, let colon = text.firstIndex(of: ":"), let n = Int(text[..<colon]),
                n >= 0
            else {
                throw RPCError.invalidParams(path: "/cursor", keyword: "format", "is not a cursor this server gave out")
            }
            index = n
            let rest = String(text[text.index(after: colon)...])
            inner = rest.isEmpty ? .null : ((try? JSONParser.parse(rest)) ?? .null)
        }
        guard index < collections.count else { return ["resources": []] }
        let c = collections[index]
        var request: JSONObject = ["limit": .number(.int(Int64(MCPServer.pageSize)))]
        if !inner.isNull { request["cursor"] = inner }
        let page = try await server.upstream.call("\(c.name).list", .object(request))
        let resources: [JSONValue] = (page["items"]?.arrayValue ?? []).compactMap { record in
            guard let id = record["id"]?.stringValue else { return nil }
            return [
                "uri": .string("exportdesk://\(c.name)/\(id)"), "name": .string(record[c.label]?.stringValue ?? id),
                "mimeType": "application/json",
            ]
        }
        var result: JSONObject = ["resources": .array(resources)]
        if let next = page["nextCursor"], !next.isNull {
            result["nextCursor"] = .string("\(index):\(next.serializedString())")
        } else if index + 1 < collections.count {
            result["nextCursor"] = .string("\(index + 1):")
        }
        return .object(result)
    }

    private func read(_ params: JSONValue) async throws -> JSONValue {
        let uri = params["uri"]?.stringValue ?? ""
        let parts =
            uri.hasPrefix("exportdesk://")
            ? uri.dropFirst("exportdesk://".count).split(separator: "/", omittingEmptySubsequences: false) : []
        guard parts.count == 2, readable.contains(where: { $0.name == parts[0] }), !parts[1].isEmpty else {
            throw RPCError.resourceNotFound(uri)
        }
        do {
            let record = try await server.upstream.call("\(parts[0]).get", ["id": .string(String(parts[1]))])
            return [
                "contents": [
                    ["uri": .string(uri), "mimeType": "application/json", "text": .string(record.serializedString())]
                ]
            ]
        } catch let e as RPCError where e.reason == "NOT_FOUND" {
            // MCP's code for an unknown resource.
            throw RPCError.resourceNotFound(uri)
        }
    }

    /// Record ids for a template's `{id}`, from the prefix typed so far (the newest records first).
    private func complete(_ params: JSONValue) async throws -> JSONValue {
        let template = params["ref"]?["uri"]?.stringValue ?? ""
        let prefix = params["argument"]?["value"]?.stringValue ?? ""
        guard params["argument"]?["name"] == "id", let c = readable.first(where: { Self.template($0.name) == template })
        else {
            return ["completion": ["values": [], "hasMore": false]]
        }
        let page = try await server.upstream.call("\(c.name).list", ["limit": 500, "sort": "-createdAt"])
        let ids = (page["items"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }.filter { $0.hasPrefix(prefix) }
        return [
            "completion": [
                "values": .array(ids.prefix(100).map { .string($0) }), "total": .number(.int(Int64(ids.count))),
                "hasMore": .bool(ids.count > 100),
            ]
        ]
    }
}
