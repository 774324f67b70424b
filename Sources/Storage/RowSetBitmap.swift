/// A set of rowids as the bytes SQLite's `rowset_contains(set, rowid)` reads: the smallest rowid (8 bytes,
/// native order), then one bit per rowid from it to the largest.
public enum RowSetBitmap {
    /// The widest span of rowids encoded: 64 Mi rowids, an 8 MB bitmap.
    public static let maxSpan: UInt64 = 1 << 26

    /// The encoded set; rowids need not be sorted or distinct. An empty set is the 8-byte base alone. Nil
    /// when the rowids span more than `maxSpan`: the caller keeps a plan that needs no bitmap.
    public static func encode(_ rowids: [Int64]) -> [UInt8]? {
        guard let low = rowids.min(), let high = rowids.max() else { return Array(repeating: 0, count: 8) }
        let span = UInt64(bitPattern: high &- low)
        guard span < maxSpan else { return nil }
        var bytes = [UInt8](repeating: 0, count: 8 + (Int(span) + 8) / 8)
        withUnsafeBytes(of: low) { base in
            for i in 0..<8 { bytes[i] = base[i] }
        }
        bytes.withUnsafeMutableBufferPointer { out in
            for rowid in rowids {
                let offset = Int(UInt64(bitPattern: rowid &- low))
                out[8 + offset / 8] |= UInt8(1) << UInt8(offset % 8)
            }
        }
        return bytes
    }
}

/// A set of rowids in `RowSetBitmap`'s layout that can be narrowed in memory: a list total that several
/// filters of many matches each decide is the size of their intersection, counted without reading a row
/// twice or seeking one per match.
public struct RowSet: Sendable, Equatable {
    /// `RowSetBitmap`'s bytes: the base rowid, then one bit per rowid from it.
    public private(set) var bytes: [UInt8]

    /// The set of `rowids` (unsorted, repeats allowed); nil past `RowSetBitmap.maxSpan`.
    public init?(_ rowids: [Int64]) {
        guard let bytes = RowSetBitmap.encode(rowids) else { return nil }
        self.bytes = bytes
    }

    /// A set already encoded by `RowSetBitmap.encode`.
    public init(encoded bytes: [UInt8]) {
        precondition(bytes.count >= 8, "a RowSetBitmap holds its 8-byte base")
        self.bytes = bytes
    }

    /// Keeps only the members that are also in `rowids` (unsorted, repeats allowed).
    public mutating func formIntersection(_ rowids: [Int64]) {
        let width = bytes.count - 8
        guard width > 0 else { return }
        var base: Int64 = 0
        withUnsafeMutableBytes(of: &base) { $0.copyBytes(from: bytes[0..<8]) }
        var kept = [UInt8](repeating: 0, count: width)
        kept.withUnsafeMutableBufferPointer { out in
            for rowid in rowids where rowid >= base {
                let offset = UInt64(bitPattern: rowid &- base)
                guard offset < UInt64(width) * 8 else { continue }
                out[Int(offset / 8)] |= UInt8(1) << UInt8(offset % 8)
            }
        }
        bytes.withUnsafeMutableBufferPointer { set in
            for i in 0..<width { set[8 + i] &= kept[i] }
        }
    }

    /// How many rowids the set holds.
    public var count: Int {
        bytes.withUnsafeBufferPointer { set in
            var n = 0
            for i in 8..<set.count { n &+= set[i].nonzeroBitCount }
            return n
        }
    }
}
