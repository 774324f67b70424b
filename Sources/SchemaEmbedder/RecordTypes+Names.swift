import JSON

/// The generator's references and names: `$ref`s resolved across files, Swift names from JSON names.
extension RecordTypes {
    /// `Other.json#/properties/x` (or `#/…` in the same file) to its schema node, file and pointer.
    func resolve(_ ref: String, from file: String) throws -> (JSONValue, String, String) {
        let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let targetFile = parts[0].isEmpty ? file : Self.join(file, parts[0])
        let pointer = parts.count > 1 ? parts[1] : ""
        guard let document = files[targetFile], let node = JSONPointer.resolve(pointer, in: document) else {
            throw Failure(description: "Schemas/\(file): $ref \(ref) does not resolve")
        }
        return (node, targetFile, pointer)
    }

    /// A relative reference from the file `from` (`methods/x.json` + `../components/Y.json` → `components/Y.json`).
    static func join(_ from: String, _ relative: String) -> String {
        var parts = from.split(separator: "/").dropLast().map(String.init)
        for part in relative.split(separator: "/") {
            if part == ".." { _ = parts.popLast() } else if part != "." { parts.append(String(part)) }
        }
        return parts.joined(separator: "/")
    }

    func unsupported(_ file: String, _ pointer: String, _ what: String) -> Failure {
        Failure(
            description:
                "Schemas/\(file)#\(pointer): \(what) is not supported by the record-type generator; extend Sources/SchemaEmbedder/RecordTypes.swift or change the schema"
        )
    }

    func typeName(_ key: String) -> String { key.prefix(1).uppercased() + key.dropFirst() }

    /// `in_progress` → `inProgress`, `validFrom` → `validFrom`, `-validFrom` → `validFromDescending`, `CN` → `cn`.
    func caseName(_ value: String) -> String {
        if value.hasPrefix("-") { return caseName(String(value.dropFirst())) + "Descending" }
        let words = value.split { !($0.isLetter || $0.isNumber) }.map { w -> String in
            w.allSatisfy { !$0.isLowercase } ? w.lowercased() : String(w)
        }
        var name = words.enumerated().map {
            $0.offset == 0
                ? $0.element.prefix(1).lowercased() + $0.element.dropFirst()
                : $0.element.prefix(1).uppercased() + $0.element.dropFirst()
        }.joined()
        if name.first?.isNumber ?? true { name = "_" + name }
        return identifier(name)
    }

    func identifier(_ name: String) -> String {
        let keywords: Set<String> = [
            "default", "case", "class", "enum", "extension", "func", "import", "init", "internal", "let", "operator",
            "private", "protocol", "public", "static", "struct", "subscript", "typealias", "var", "break", "continue",
            "do", "else", "for", "if", "in", "return", "switch", "where", "while", "as", "is", "nil", "self", "super",
            "throw", "throws", "true", "false", "try", "repeat", "defer", "guard", "Type", "Protocol", "any", "some",
        ]
        return keywords.contains(name) ? "`\(name)`" : name
    }

    func oneLine(_ text: String) -> String { text.split(whereSeparator: \.isNewline).joined(separator: " ") }
    func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(
            separator: "\n")
    }
}
