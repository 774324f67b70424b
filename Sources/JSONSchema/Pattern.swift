import Foundation

/// A compiled `pattern` (ECMA-262 syntax, search semantics). The subset schemas use — literals, classes,
/// `\d \w \s` and their negations, groups, alternation, greedy or lazy quantifiers, `^ $` — runs on our own
/// bit-state backtracker (each (instruction, position) is visited at most once, so time is bounded by
/// program × input). Anything else (lookaround, backreferences, `\b`, `\p{…}`) falls back to ICU.
final class Pattern: @unchecked Sendable {
    let source: String
    private let program: RegexProgram?
    /// True when this pattern runs on the built-in engine rather than ICU.
    var usesOwnEngine: Bool { program != nil }
    private let icu: NSRegularExpression?

    init(_ source: String) throws {
        self.source = source
        if let program = RegexProgram(source) {
            self.program = program
            self.icu = nil
        } else {
            self.program = nil
            self.icu = try NSRegularExpression(pattern: ECMARegex.translate(source), options: [])
        }
    }

    func matches(_ s: String) -> Bool {
        if let program { return program.search(s) }
        return icu!.matches(s)
    }
}

/// A regex compiled to instructions for the backtracker.
struct RegexProgram {
    enum Inst {
        case char(UInt32)
        case any  // any scalar except line terminators
        case set(Int)  // index into `sets`
        case split(Int, Int)  // try first, then second
        case jump(Int)
        case lineStart, lineEnd
        case match
    }
    struct CharSet {
        var ranges: [(UInt32, UInt32)]
        var negated: Bool
        func contains(_ c: UInt32) -> Bool {
            var hit = false
            for (lo, hi) in ranges where c >= lo && c <= hi {
                hit = true
                break
            }
            return hit != negated
        }
    }

    private(set) var code: [Inst] = []
    private(set) var sets: [CharSet] = []
    private var anchoredStart = false
    private var dfa: ASCIIDFA?

    static let maxProgram = 4096
    static let digit: [(UInt32, UInt32)] = [(48, 57)]
    static let word: [(UInt32, UInt32)] = [(48, 57), (65, 90), (95, 95), (97, 122)]
    static let space: [(UInt32, UInt32)] = [
        (9, 13), (32, 32), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029),
        (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF),
    ]

    // MARK: parsing to an AST

    private indirect enum Node {
        case empty
        case char(UInt32)
        case any
        case set(CharSet)
        case lineStart, lineEnd
        case concat([Node])
        case alternate([Node])
        case repeatNode(Node, min: Int, max: Int?)
    }

    private struct Parser {
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

    // MARK: compiling the AST

    init?(_ pattern: String) {
        var parser = Parser(chars: pattern.unicodeScalars.map(\.value))
        let ast = parser.alternation()
        guard !parser.failed, parser.i == parser.chars.count else { return nil }
        emit(ast)
        guard code.count < Self.maxProgram else { return nil }
        code.append(.match)
        if case .lineStart? = code.first { anchoredStart = true }
        dfa = ASCIIDFA(self, anchored: anchoredStart)
    }

    private mutating func emit(_ node: Node) {
        guard code.count < Self.maxProgram else { return }
        switch node {
        case .empty: break
        case .char(let c): code.append(.char(c))
        case .any: code.append(.any)
        case .set(let s):
            sets.append(s)
            code.append(.set(sets.count - 1))
        case .lineStart: code.append(.lineStart)
        case .lineEnd: code.append(.lineEnd)
        case .concat(let items): for item in items { emit(item) }
        case .alternate(let branches):
            var jumps: [Int] = []
            for (k, branch) in branches.enumerated() {
                if k < branches.count - 1 {
                    let split = code.count
                    code.append(.split(split + 1, -1))
                    emit(branch)
                    jumps.append(code.count)
                    code.append(.jump(-1))
                    code[split] = .split(split + 1, code.count)
                } else {
                    emit(branch)
                }
            }
            for j in jumps { code[j] = .jump(code.count) }
        case .repeatNode(let inner, let minimum, let maximum):
            for _ in 0..<minimum { emit(inner) }
            if let maximum {
                var splits: [Int] = []
                for _ in minimum..<max(minimum, maximum) {
                    splits.append(code.count)
                    code.append(.split(code.count + 1, -1))
                    emit(inner)
                }
                for s in splits { code[s] = .split(s + 1, code.count) }
            } else {
                let loop = code.count
                code.append(.split(loop + 1, -1))
                emit(inner)
                code.append(.jump(loop))
                code[loop] = .split(loop + 1, code.count)
            }
        }
    }

    // MARK: matching

    func search(_ s: String) -> Bool {
        var s = s
        // withUTF8 also covers small strings stored inline (withContiguousStorageIfAvailable does not).
        if let result = s.withUTF8({ buf -> Bool? in
            guard buf.allSatisfy({ $0 < 0x80 }) else { return nil }
            if let dfa { return dfa.search(buf) }
            return run(count: buf.count) { UInt32(buf[$0]) }
        }) {
            return result
        }
        let scalars = s.unicodeScalars.map(\.value)
        return scalars.withUnsafeBufferPointer { buf in run(count: buf.count) { buf[$0] } }
    }

    /// Bit-state backtracking over `count` scalars read by `at`.
    private func run(count: Int, at: (Int) -> UInt32) -> Bool {
        let width = count + 1
        let words = (code.count * width + 63) / 64
        // The visited bitmap lives on the stack for the usual short strings.
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(1, words)) { visited in
            visited.initialize(repeating: 0)
            var stack = BacktrackStack()
            let lastStart = anchoredStart ? 0 : count
            for start in 0...lastStart {
                var pc = 0
                var pos = start
                while true {
                    var failed = false
                    let bit = pc * width + pos
                    if visited[bit >> 6] & (1 << UInt64(bit & 63)) != 0 {
                        failed = true
                    } else {
                        visited[bit >> 6] |= 1 << UInt64(bit & 63)
                        switch code[pc] {
                        case .char(let c):
                            if pos < count && at(pos) == c {
                                pc += 1
                                pos += 1
                            } else {
                                failed = true
                            }
                        case .any:
                            if pos < count, case let c = at(pos), c != 10 && c != 13 && c != 0x2028 && c != 0x2029 {
                                pc += 1
                                pos += 1
                            } else {
                                failed = true
                            }
                        case .set(let k):
                            if pos < count && sets[k].contains(at(pos)) {
                                pc += 1
                                pos += 1
                            } else {
                                failed = true
                            }
                        case .split(let a, let b):
                            stack.push(b, pos)
                            pc = a
                        case .jump(let target):
                            pc = target
                        case .lineStart:
                            if pos == 0 { pc += 1 } else { failed = true }
                        case .lineEnd:
                            if pos == count { pc += 1 } else { failed = true }
                        case .match:
                            return true
                        }
                    }
                    if failed {
                        guard let (nextPC, nextPos) = stack.pop() else { break }
                        pc = nextPC
                        pos = nextPos
                    }
                }
            }
            return false
        }
    }
}

/// The backtracker's pending alternatives: a fixed inline buffer, spilling to the heap only when deep.
private struct BacktrackStack {
    private var inline:
        (
            Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64,
            Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64
        ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var count = 0
    private var spill: [Int64] = []

    @inline(__always) mutating func push(_ pc: Int, _ pos: Int) {
        let packed = Int64(pc) << 32 | Int64(pos)
        if count < 16 {
            withUnsafeMutableBytes(of: &inline) { $0.storeBytes(of: packed, toByteOffset: count * 8, as: Int64.self) }
        } else {
            spill.append(packed)
        }
        count += 1
    }

    @inline(__always) mutating func pop() -> (Int, Int)? {
        guard count > 0 else { return nil }
        count -= 1
        let packed: Int64
        if count < 16 {
            packed = withUnsafeBytes(of: &inline) { $0.load(fromByteOffset: count * 8, as: Int64.self) }
        } else {
            packed = spill.removeLast()
        }
        return (Int(packed >> 32), Int(packed & 0xFFFF_FFFF))
    }
}
