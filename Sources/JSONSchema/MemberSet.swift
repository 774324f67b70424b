/// A set of member positions of one object: a bit each, in one word for the first 64 members.
struct MemberSet: Equatable {
    private var low: UInt64 = 0
    private var high: [UInt64] = []

    init() {}

    mutating func insert(_ i: Int) {
        if i < 64 {
            low |= 1 << UInt64(i)
            return
        }
        let word = i / 64 - 1
        if high.count <= word { high += Array(repeating: 0, count: word - high.count + 1) }
        high[word] |= 1 << UInt64(i % 64)
    }

    func contains(_ i: Int) -> Bool {
        if i < 64 { return low & (1 << UInt64(i)) != 0 }
        let word = i / 64 - 1
        return word < high.count && high[word] & (1 << UInt64(i % 64)) != 0
    }

    mutating func formUnion(_ other: MemberSet) {
        low |= other.low
        if high.count < other.high.count { high += Array(repeating: 0, count: other.high.count - high.count) }
        for (w, bits) in other.high.enumerated() { high[w] |= bits }
    }
}
