/// A set of rowids as the bytes SQLite's `rowset_contains(set, rowid)` reads: a base rowid (8 bytes, native
/// order; the smallest rounded down to a multiple of 8, so two sets' bytes line up), then one bit per rowid
/// from it to the largest.
public enum RowSetBitmap {
    /// The widest span of rowids encoded: 64 Mi rowids, an 8 MB bitmap.
    public static let maxSpan: UInt64 = 1 << 26

    /// The encoded set; rowids need not be sorted or distinct. An empty set is the 8-byte base alone. Nil
    /// when the rowids span more than `maxSpan`: the caller keeps a plan that needs no bitmap.
    public static func encode(_ rowids: [Int64]) -> [UInt8]? {
        guard let smallest = rowids.min(), let high = rowids.max() else { return Array(repeating: 0, count: 8) }
        let low = smallest & ~7
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
        let base = self.base
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

    /// The rowid of the first bit.
    public var base: Int64 {
        var base: Int64 = 0
        withUnsafeMutableBytes(of: &base) { $0.copyBytes(from: bytes[0..<8]) }
        return base
    }

    /// Keeps only the members that are also in `other`: a byte-wise AND when the bases line up (as
    /// `RowSetBitmap.encode` writes them), else by `other`'s members.
    public mutating func formIntersection(_ other: RowSet) {
        let (mine, theirs) = (base, other.base)
        guard (mine &- theirs) % 8 == 0 else { return formIntersection(other.members) }
        let shift = Int((mine &- theirs) / 8)
        let otherWidth = other.bytes.count - 8
        other.bytes.withUnsafeBufferPointer { o in
            bytes.withUnsafeMutableBufferPointer { set in
                for i in 8..<set.count {
                    let j = i - 8 + shift
                    set[i] &= j >= 0 && j < otherWidth ? o[8 + j] : 0
                }
            }
        }
    }

    /// Takes `removed` out and puts `inserted` in (a member may be in both: it stays), growing the bitmap for
    /// rowids past its end. Nil when the result would span more than `RowSetBitmap.maxSpan`.
    public func updated(removing removed: some Sequence<Int64>, inserting inserted: [Int64]) -> RowSet? {
        let first = base
        if let low = inserted.min(), low < first {
            // A rowid below the base moves every bit: rebuild (new rowids are larger, so this is rare).
            let kept = Set(removed)
            return RowSet(members.filter { !kept.contains($0) } + inserted)
        }
        var out = bytes
        if let high = inserted.max() {
            let span = UInt64(bitPattern: high &- first)
            guard span < RowSetBitmap.maxSpan else { return nil }
            let needed = 8 + Int(span) / 8 + 1
            if needed > out.count { out += [UInt8](repeating: 0, count: needed - out.count) }
        }
        let width = UInt64(out.count - 8) * 8
        for rowid in removed where rowid >= first {
            let offset = UInt64(bitPattern: rowid &- first)
            if offset < width { out[8 + Int(offset / 8)] &= ~(UInt8(1) << UInt8(offset % 8)) }
        }
        for rowid in inserted {
            let offset = UInt64(bitPattern: rowid &- first)
            out[8 + Int(offset / 8)] |= UInt8(1) << UInt8(offset % 8)
        }
        return RowSet(encoded: out)
    }

    /// The members, ascending.
    public var members: [Int64] {
        let first = base
        var out: [Int64] = []
        bytes.withUnsafeBufferPointer { set in
            for i in 8..<set.count where set[i] != 0 {
                var byte = set[i]
                while byte != 0 {
                    let bit = byte.trailingZeroBitCount
                    out.append(first &+ Int64((i - 8) * 8 + bit))
                    byte &= byte &- 1
                }
            }
        }
        return out
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
