/// A schema's declared property names → subschemas (or any other payload), with a cheap FNV-1a hash over
/// UTF-8 bytes (short keys hash in a few instructions, far cheaper than SipHash or comparing against every name).
struct PropertyTable<Node> {
    let names: [String]
    let nodes: [Node]
    private let buckets: [Int32]  // index into names, -1 empty
    private let mask: Int

    init(_ entries: [(String, Node)]) {
        names = entries.map(\.0)
        nodes = entries.map(\.1)
        var size = 8
        while size < entries.count * 2 { size *= 2 }
        mask = size - 1
        var b = [Int32](repeating: -1, count: size)
        for (i, name) in names.enumerated() {
            var slot = Self.hash(name) & (size - 1)
            while b[slot] != -1 { slot = (slot + 1) & (size - 1) }
            b[slot] = Int32(i)
        }
        buckets = b
    }

    @inline(__always) static func hash(_ s: String) -> Int {
        // Over the contiguous bytes: iterating `utf8` goes through String's index machinery for every byte,
        // which cost more than the rest of a member's check.
        s.withUTF8InPlace(hash)
    }

    @inline(__always) private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The index of `name`, or nil.
    @inline(__always) func find(_ name: String) -> Int? { find(name, hash: Self.hash(name)) }

    /// The index of `name` whose `hash` the caller has computed (one member, looked up in several tables).
    @inline(__always) func find(_ name: String, hash: Int) -> Int? {
        var slot = hash & mask
        while true {
            let i = Int(buckets[slot])
            if i < 0 { return nil }
            if names[i] == name { return i }
            slot = (slot + 1) & mask
        }
    }

    var isEmpty: Bool { names.isEmpty }
}
