/// A DFA for ASCII input, built once from a `RegexProgram` by subset construction (at most `maxStates`
/// states, else none). Immutable after construction, so one is shared by every validating thread.
/// Matching is one table lookup per byte.
struct ASCIIDFA {
    static let maxStates = 256
    private var transitions: [Int16] = []  // state * 128 + byte → next state (-1 dead)
    private var matchesNow: [Bool] = []  // a match is complete: search succeeds at once
    private var matchesAtEnd: [Bool] = []  // a match completes if the input ends here
    private var initial = 0

    init?(_ program: RegexProgram, anchored: Bool) {
        let code = program.code
        // Epsilon closure: every instruction reachable without consuming input.
        func closure(_ seeds: [Int], atStart: Bool, atEnd: Bool) -> [Int] {
            var seen = Set<Int>()
            var stack = seeds
            while let pc = stack.popLast() {
                guard seen.insert(pc).inserted else { continue }
                switch code[pc] {
                case .split(let a, let b):
                    stack.append(a)
                    stack.append(b)
                case .jump(let t): stack.append(t)
                case .lineStart: if atStart { stack.append(pc + 1) }
                case .lineEnd: if atEnd { stack.append(pc + 1) }
                default: break
                }
            }
            return seen.sorted()
        }
        func hasMatch(_ pcs: [Int]) -> Bool {
            pcs.contains { if case .match = code[$0] { return true } else { return false } }
        }

        let restart = anchored ? [] : closure([0], atStart: false, atEnd: false)
        var ids: [[Int]: Int] = [:]
        var states: [[Int]] = []
        func id(_ set: [Int]) -> Int? {
            if let existing = ids[set] { return existing }
            guard states.count < Self.maxStates else { return nil }
            ids[set] = states.count
            states.append(set)
            return states.count - 1
        }
        guard let start = id(closure([0], atStart: true, atEnd: false)) else { return nil }
        initial = start
        var next = 0
        while next < states.count {
            let set = states[next]
            for byte in 0..<128 {
                let b = UInt32(byte)
                var stepped: [Int] = []
                for pc in set {
                    switch code[pc] {
                    case .char(let c): if c == b { stepped.append(pc + 1) }
                    case .any: if b != 10 && b != 13 { stepped.append(pc + 1) }
                    case .set(let k): if program.sets[k].contains(b) { stepped.append(pc + 1) }
                    default: break
                    }
                }
                let target = Array(Set(closure(stepped, atStart: false, atEnd: false) + restart)).sorted()
                if target.isEmpty {
                    transitions.append(-1)
                } else {
                    guard let t = id(target) else { return nil }
                    transitions.append(Int16(t))
                }
            }
            next += 1
        }
        for set in states {
            matchesNow.append(hasMatch(set))
            // At the end of input, `$` may be passed: recompute the closure allowing it.
            matchesAtEnd.append(hasMatch(closure(set, atStart: false, atEnd: true)))
        }
        // The initial state is special: at position 0, `^` holds. For empty input it is also the end.
        initialMatchesAtEnd = hasMatch(closure([0], atStart: true, atEnd: true))
    }

    private var initialMatchesAtEnd = false

    /// Whether the pattern matches somewhere in `bytes`; nil when a byte past ASCII is reached before the answer
    /// is known (the caller then runs the scalar engine). One pass: the ASCII check is part of the loop.
    func search(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        var state = initial
        if matchesNow[state] { return true }
        if bytes.isEmpty { return initialMatchesAtEnd }
        for b in bytes {
            if b >= 0x80 { return nil }
            let t = Int(transitions[state &* 128 &+ Int(b)])
            if t < 0 { return false }
            state = t
            if matchesNow[state] { return true }
        }
        return matchesAtEnd[state]
    }
}
