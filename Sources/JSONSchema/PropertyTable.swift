/// A schema's declared property names → subschemas, with a cheap FNV-1a hash over UTF-8 bytes
/// (short keys hash in a few instructions, far cheaper than SipHash or comparing against every name).
struct PropertyTable {
    let names: [String]
    let nodes: [SchemaNode]
    private let buckets: [Int32]  // index into names, -1 empty
    private let mask: Int

    init(_ entries: [(String, SchemaNode)]) {
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
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in s.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The index of `name`, or nil.
    @inline(__always) func find(_ name: String) -> Int? {
        var slot = Self.hash(name) & mask
        while true {
            let i = Int(buckets[slot])
            if i < 0 { return nil }
            if names[i] == name { return i }
            slot = (slot + 1) & mask
        }
    }

    var isEmpty: Bool { names.isEmpty }
}
