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

    indirect enum Node {
        case empty
        case char(UInt32)
        case any
        case set(CharSet)
        case lineStart, lineEnd
        case concat([Node])
        case alternate([Node])
        case repeatNode(Node, min: Int, max: Int?)
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

    /// `readonly` (see `VerdictNode.accepts`): without it the caller retains the pattern around every search.
    @_effects(readonly) func search(_ s: String) -> Bool {
        if let answer = s.withUTF8InPlace({ searchASCII($0) }) { return answer }
        let scalars = s.unicodeScalars.map(\.value)
        return scalars.withUnsafeBufferPointer { buf in run(count: buf.count) { buf[$0] } }
    }

    /// The answer for ASCII input, or nil when `bytes` hold more than ASCII.
    @inline(__always) private func searchASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        if let dfa { return dfa.search(bytes) }
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        return run(count: bytes.count) { UInt32(bytes[$0]) }
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
