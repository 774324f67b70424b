import JSON

/// The generator's composite types: nested structs, and enums over several scalar types.
extension RecordTypes {
    /// An enum with a case per scalar type (`["string", "integer"]`), read and written as the value itself.
    func scalarUnion(_ types: [String], name: String) -> String {
        let cases: [(String, String)] = types.map {
            ($0, ["string": "String", "integer": "Int64", "boolean": "Bool"][$0]!)
        }
        var d =
            "/// One of: \(cases.map(\.0).joined(separator: ", ")).\npublic enum \(name): Codable, Sendable, Equatable, JSONReadable, JSONWritable {\n"
        for (c, t) in cases { d += "    case \(c)(\(t))\n" }
        d +=
            "    public init(from decoder: any Decoder) throws {\n        let c = try decoder.singleValueContainer()\n"
        for (c, t) in cases { d += "        if let v = try? c.decode(\(t).self) { self = .\(c)(v); return }\n" }
        d +=
            "        throw DecodingError.typeMismatch(\(name).self, .init(codingPath: decoder.codingPath, debugDescription: \"expected \(cases.map(\.0).joined(separator: " or "))\"))\n    }\n"
        d +=
            "    public func encode(to encoder: any Encoder) throws {\n        var c = encoder.singleValueContainer()\n        switch self {\n"
        for (c, _) in cases { d += "        case .\(c)(let v): try c.encode(v)\n" }
        d += "        }\n    }\n"
        d += "    public init(json: JSONValue) throws(JSONReadError) {\n"
        for (c, t) in cases { d += "        if let v = try? \(t)(json: json) { self = .\(c)(v); return }\n" }
        d += "        throw JSONReadError(expected: \"\(cases.map(\.0).joined(separator: " or "))\")\n    }\n"
        d += "    public var json: JSONValue {\n        switch self {\n"
        for (c, _) in cases { d += "        case .\(c)(let v): v.json\n" }
        d += "        }\n    }\n}\n"
        return d
    }

    mutating func nestedStruct(
        _ schema: JSONValue, _ hint: String, _ file: String, _ pointer: String,
        _ nested: inout [String: String]
    ) throws -> String {
        var inner: [String: String] = [:]
        let body = try structBody(schema, name: hint, file: file, pointer: pointer, nested: &inner)
        let doc = schema["description"]?.stringValue.map { "/// \(oneLine($0))\n" } ?? "/// `\(file)#\(pointer)`.\n"
        nested[hint] =
            doc + "public struct \(hint): Codable, Sendable, Equatable, JSONReadable, JSONWritable {\n" + body
            + inner.keys.sorted().map { indent(inner[$0]!) }.joined() + "}\n"
        return hint
    }
}
