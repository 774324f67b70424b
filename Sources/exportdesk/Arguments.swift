/// A small command-line reader: `--flag`, `--option VALUE`, `--option=VALUE` and positionals.
struct Arguments {
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var positionals: [String] = []
    private var options: [String: String] = [:]
    private var flags: Set<String> = []

    /// `valued` names the options that take a value; any other `--name` is a flag.
    init(_ args: some Sequence<String>, valued: Set<String>, flags known: Set<String>) throws {
        var iterator = args.makeIterator()
        while let arg = iterator.next() {
            guard arg.hasPrefix("--"), arg != "--" else {
                positionals.append(arg)
                continue
            }
            var name = String(arg.dropFirst(2))
            var inlineValue: String?
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if valued.contains(name) {
                guard let value = inlineValue ?? iterator.next() else { throw UsageError(description: "--\(name) needs a value") }
                options[name] = value
            } else if known.contains(name) {
                guard inlineValue == nil else { throw UsageError(description: "--\(name) takes no value") }
                flags.insert(name)
            } else {
                throw UsageError(description: "unknown option --\(name)")
            }
        }
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }
    func value(_ name: String) -> String? { options[name] }

    func int(_ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text = options[name] else { return nil }
        guard let v = Int(text), range.contains(v) else {
            throw UsageError(description: "--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(text)")
        }
        return v
    }

    func double(_ name: String, range: ClosedRange<Double>) throws -> Double? {
        guard let text = options[name] else { return nil }
        guard let v = Double(text), range.contains(v) else {
            throw UsageError(description: "--\(name) must be a number from \(range.lowerBound) to \(range.upperBound), not \(text)")
        }
        return v
    }
}
