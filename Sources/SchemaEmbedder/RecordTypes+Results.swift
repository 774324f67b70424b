import JSON

/// The generator's writers and result types: each struct writes itself back to JSON (`JSONWritable`), and each
/// method's result schema becomes the `Result` its params type names, so that the compiler checks what a
/// handler answers.
extension RecordTypes {
    /// `public var json`: the members in schema order, appended one after another; an absent optional is
    /// omitted, a required member that may be null is written as null.
    func writer(_ members: [(String, String)], nullable: Set<String>, open: Bool) -> String {
        if members.isEmpty && !open { return "\n    public var json: JSONValue { .object(JSONObject()) }\n" }
        var lines = "\n    public var json: JSONValue {\n"
        lines += "        var o = JSONObject(reservingCapacity: \(min(members.count, 16)))\n"
        for (key, type) in members {
            let value = identifier(key)
            if !type.hasSuffix("?") {
                lines += "        o.appendNew(\"\(key)\", \(value).json)\n"
            } else if nullable.contains(key) {
                lines += "        o.appendNew(\"\(key)\", \(value)?.json ?? .null)\n"
            } else {
                lines += "        if let v = \(value) { o.appendNew(\"\(key)\", v.json) }\n"
            }
        }
        if open { lines += "        for (key, value) in additionalMembers where o[key] == nil { o[key] = value }\n" }
        return lines + "        return .object(o)\n    }\n"
    }

    /// A struct's initializers: memberwise (public; Swift's own is internal) and from JSON (`JSONReadable`: one
    /// lookup per member, no Codable machinery); and for an open object its other members and the CodingKeys
    /// that keep them out of Codable.
    func memberCode(_ members: [(String, String)], open: Bool) -> String {
        var lines = ""
        // A public memberwise initializer (Swift's own is internal), optionals defaulting to nil.
        var arguments = members.map { "\(identifier($0.0)): \($0.1)\($0.1.hasSuffix("?") ? " = nil" : "")" }
        if open {
            lines += "    /// The members the schema does not declare (it leaves the object open), in order.\n"
            lines += "    public var additionalMembers: JSONObject = [:]\n"
            arguments.append("additionalMembers: JSONObject = [:]")
        }
        lines +=
            "\n    public init(\(arguments.joined(separator: ", "))) {\n"
            + members.map { "        self.\($0.0) = \(identifier($0.0))\n" }.joined()
            + (open ? "        self.additionalMembers = additionalMembers\n" : "") + "    }\n"
        // Read straight from JSON (JSONReadable): one lookup per member, no Codable machinery.
        let declared = "[" + members.map { "\"\($0.0)\"" }.joined(separator: ", ") + "]"
        lines +=
            "\n    public init(json: JSONValue) throws(JSONReadError) {\n"
            + "        guard case .object\(members.isEmpty && !open ? "" : "(let o)") = json else { throw JSONReadError(expected: \"an object\") }\n"
            + members.map {
                "        self.\(identifier($0.0)) = try o.\($0.1.hasSuffix("?") ? "optional" : "required")(\"\($0.0)\")\n"
            }.joined()
            + (open
                ? "        self.additionalMembers = JSONObject(o.filter { !Self.declaredMembers.contains($0.key) })\n"
                : "") + "    }\n"
        if open {
            lines += "\n    /// The members the schema declares; the others are `additionalMembers`.\n"
            lines += "    static let declaredMembers: Set<String> = \(declared)\n"
            // Codable sees the declared members only.
            lines +=
                "\n    enum CodingKeys: String, CodingKey {\n"
                + members.map { "        case \(identifier($0.0))\n" }.joined() + "    }\n"
        }
        return lines
    }

    /// The Swift result type of every method, by method name, and the `Results.*` declarations for the results
    /// that are neither a stored record nor a page of them.
    mutating func resultTypes() throws -> (byMethod: [String: String], declarations: [String: String]) {
        var byMethod: [String: String] = [:]
        var declarations: [String: String] = [:]
        for path in files.keys.sorted() where path.hasPrefix("methods/") && path.hasSuffix(".result.json") {
            let method = String(path.dropFirst("methods/".count).dropLast(".result.json".count))
            let schema = files[path]!
            if schema["properties"] == nil, let ref = schema["$ref"]?.stringValue, !ref.contains("#") {
                // A stored record answered as it was read or written.
                byMethod[method] = "Stored<\(try componentTypeName(Self.join(path, ref)))>"
            } else if let record = try pageRecord(schema, file: path) {
                byMethod[method] = "ListPage<\(record)>"
            } else {
                let name = Self.methodTypeName(method)
                var nested: [String: String] = [:]
                let body = try structBody(schema, name: name, file: path, pointer: "", nested: &nested)
                declarations[name] =
                    "/// The result of `\(method)`.\npublic struct \(name): MethodResult, Codable, Equatable, JSONReadable {\n"
                    + body + nested.keys.sorted().map { indent(nested[$0]!) }.joined() + "}\n"
                byMethod[method] = "Results.\(name)"
            }
        }
        return (byMethod, declarations)
    }

    /// `placements.complete` → `PlacementsComplete`.
    static func methodTypeName(_ method: String) -> String {
        method.split(separator: ".").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The record of a list page (`{items: [Record], nextCursor, total?}`), or nil for any other object.
    private mutating func pageRecord(_ schema: JSONValue, file: String) throws -> String? {
        guard let properties = schema["properties"]?.objectValue, properties["nextCursor"] != nil,
            Set(properties.keys).isSubset(of: ["items", "nextCursor", "total"]),
            let ref = properties["items"]?["items"]?["$ref"]?.stringValue, !ref.contains("#"),
            properties["items"]?["items"]?.objectValue?.count == 1
        else { return nil }
        return try componentTypeName(Self.join(file, ref))
    }
}

extension RecordTypes {
    func result(of method: String, _ byMethod: [String: String]) throws -> String {
        guard let type = byMethod[method] else {
            throw Failure(description: "Schemas/methods/\(method).params.json: no \(method).result.json beside it")
        }
        return type
    }
}
