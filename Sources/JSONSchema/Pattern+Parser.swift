extension RegexProgram {
    /// Reads an ECMA-262 pattern (the subset Schemas/ and the JSON-Schema test suite use) into the AST.
    struct Parser {
        var chars: [UInt32]
        var i = 0
        var failed = false

        mutating func peek() -> UInt32? { i < chars.count ? chars[i] : nil }
        mutating func next() -> UInt32? {
            guard i < chars.count else { return nil }
            defer { i += 1 }
            return chars[i]
        }

        mutating func alternation() -> Node {
            var branches = [concatenation()]
            while peek() == 124 /* | */ {
                i += 1
                branches.append(concatenation())
            }
            return branches.count == 1 ? branches[0] : .alternate(branches)
        }

        mutating func concatenation() -> Node {
            var items: [Node] = []
            while let c = peek(), c != 124, c != 41 /* ) */ {
                guard let atom = atom() else {
                    failed = true
                    return .empty
                }
                items.append(quantified(atom))
                if failed { return .empty }
            }
            return items.count == 1 ? items[0] : .concat(items)
        }

        mutating func quantified(_ atom: Node) -> Node {
            var node = atom
            while let c = peek() {
                var minimum = 0
                var maximum: Int? = nil
                if c == 42 {
                    i += 1
                }  // *
                else if c == 43 {
                    minimum = 1
                    i += 1
                }  // +
                else if c == 63 {
                    maximum = 1
                    i += 1
                }  // ?
                else if c == 123, let (lo, hi) = braces() {
                    minimum = lo
                    maximum = hi
                }  // {n,m}
                else {
                    break
                }
                if peek() == 63 { i += 1 }  // lazy: same set of matches
                if case .lineStart = node { failed = true }
                if case .lineEnd = node { failed = true }
                node = .repeatNode(node, min: minimum, max: maximum)
            }
            return node
        }

        /// Parses `{n}`, `{n,}`, `{n,m}`; a brace that is not a quantifier is left for `atom` (a literal).
        mutating func braces() -> (Int, Int?)? {
            let start = i
            i += 1
            func number() -> Int? {
                var v = 0
                var any = false
                while let c = peek(), c >= 48, c <= 57 {
                    v = min(v * 10 + Int(c - 48), 100_000)
                    any = true
                    i += 1
                }
                return any ? v : nil
            }
            guard let lo = number() else {
                i = start
                return nil
            }
            var hi: Int? = lo
            if peek() == 44 {
                i += 1
                hi = number()
            }
            guard peek() == 125 else {
                i = start
                return nil
            }
            i += 1
            if let h = hi, h < lo { failed = true }
            return (lo, hi)
        }

        mutating func atom() -> Node? {
            guard let c = next() else { return nil }
            switch c {
            case 94: return .lineStart  // ^
            case 36: return .lineEnd  // $
            case 46: return .any  // .
            case 40:  // (
                if peek() == 63 {  // (?
                    i += 1
                    guard next() == 58 else { return nil }  // only (?:
                }
                let inner = alternation()
                guard next() == 41 else { return nil }
                return inner
            case 91: return charClass()  // [
            case 92:
                switch escape(inClass: false) {
                case .literal(let v)?: return .char(v)
                case .set(let ranges, let negated)?: return .set(CharSet(ranges: ranges, negated: negated))
                case nil: return nil
                }
            case 41, 42, 43, 63: return nil  // ) * + ? out of place
            case 123:  // a literal { (ECMA Annex B)
                return .char(c)
            default: return .char(c)
            }
        }

        enum Escaped {
            case literal(UInt32)
            case set([(UInt32, UInt32)], negated: Bool)
        }

        /// An escape: a literal scalar or a class; nil for escapes this engine leaves to ICU.
        mutating func escape(inClass: Bool) -> Escaped? {
            guard let e = next() else { return nil }
            switch e {
            case 100: return .set(RegexProgram.digit, negated: false)  // \d
            case 68: return inClass ? nil : .set(RegexProgram.digit, negated: true)
            case 119: return .set(RegexProgram.word, negated: false)  // \w
            case 87: return inClass ? nil : .set(RegexProgram.word, negated: true)
            case 115: return .set(RegexProgram.space, negated: false)  // \s
            case 83: return inClass ? nil : .set(RegexProgram.space, negated: true)
            case 116: return .literal(9)
            case 110: return .literal(10)
            case 114: return .literal(13)
            case 102: return .literal(12)
            case 118: return .literal(11)
            case 48: return .literal(0)
            case 117: return hex(4).map { .literal($0) }  // \uXXXX
            case 120: return hex(2).map { .literal($0) }  // \xHH
            default:
                // Escaped punctuation is literal; letters and digits are other features (\b, \p, \1 …).
                let isLetterOrDigit = (e >= 48 && e <= 57) || (e >= 65 && e <= 90) || (e >= 97 && e <= 122)
                return isLetterOrDigit || e > 127 ? nil : .literal(e)
            }
        }

        mutating func hex(_ n: Int) -> UInt32? {
            var v: UInt32 = 0
            for _ in 0..<n {
                guard let c = next() else { return nil }
                switch c {
                case 48...57: v = v * 16 + (c - 48)
                case 65...70: v = v * 16 + (c - 55)
                case 97...102: v = v * 16 + (c - 87)
                default: return nil
                }
            }
            return v
        }

        mutating func charClass() -> Node? {
            var negated = false
            if peek() == 94 {
                negated = true
                i += 1
            }
            var ranges: [(UInt32, UInt32)] = []
            var first = true
            while true {
                guard let c = next() else { return nil }
                if c == 93 && !first { break }  // ]
                first = false
                var lo: UInt32
                if c == 92 {
                    switch escape(inClass: true) {
                    case .literal(let v)?: lo = v
                    case .set(let r, _)?:
                        ranges += r
                        continue
                    case nil: return nil
                    }
                } else {
                    lo = c
                }
                if peek() == 45, i + 1 < chars.count, chars[i + 1] != 93 {  // a-b
                    i += 1
                    guard var hi = next() else { return nil }
                    if hi == 92 {
                        guard case .literal(let l)? = escape(inClass: true) else { return nil }
                        hi = l
                    }
                    guard hi >= lo else { return nil }
                    ranges.append((lo, hi))
                } else {
                    ranges.append((lo, lo))
                }
            }
            return .set(CharSet(ranges: ranges, negated: negated))
        }
    }
}
