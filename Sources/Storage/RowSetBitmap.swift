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
