/// A small command-line reader: `--flag`, `--option VALUE`, `--option=VALUE` and positionals.
struct Arguments {
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    /// `--help` or `-h` was given: the command prints its usage instead of running.
    struct HelpRequested: Error {}

    private(set) var positionals: [String] = []
    private var options: [String: String] = [:]
    private var flags: Set<String> = []

    /// `valued` names the options that take a value; any other `--name` is a flag.
    init(_ args: some Sequence<String>, valued: Set<String>, flags known: Set<String>) throws {
        var iterator = args.makeIterator()
        while let arg = iterator.next() {
            if arg == "--help" || arg == "-h" { throw HelpRequested() }
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
                guard let value = inlineValue ?? iterator.next() else {
                    throw UsageError(description: "--\(name) needs a value")
                }
                options[name] = value
            } else if known.contains(name) {
                guard inlineValue == nil else { throw UsageError(description: "--\(name) takes no value") }
                flags.insert(name)
            } else {
                let nearest = (valued.union(known).union(["help"])).min {
                    Self.distance($0, name) < Self.distance($1, name)
                }
                let hint =
                    nearest.map { Self.distance($0, name) <= max(2, name.count / 3) ? "; did you mean --\($0)?" : "" }
                    ?? ""
                throw UsageError(description: "unknown option --\(name)\(hint)")
            }
        }
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }
    func value(_ name: String) -> String? { options[name] }

    func int(_ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text = options[name] else { return nil }
        guard let v = Int(text), range.contains(v) else {
            throw UsageError(
                description:
                    "--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(text)")
        }
        return v
    }

    func double(_ name: String, range: ClosedRange<Double>) throws -> Double? {
        guard let text = options[name] else { return nil }
        guard let v = Double(text), range.contains(v) else {
            throw UsageError(
                description: "--\(name) must be a number from \(range.lowerBound) to \(range.upperBound), not \(text)")
        }
        return v
    }

    /// Levenshtein distance, for suggesting the option a typo meant.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
