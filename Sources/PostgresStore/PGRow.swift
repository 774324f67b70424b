import Glibc
import Storage

/// One row of a text-format result; numbers and booleans are read from their text.
struct PGRow: SQLRow {
    let result: LibPQ.Result
    let row: Int32

    func isNull(_ column: Int32) -> Bool { LibPQ.api.getisnull(result, row, column) != 0 }

    /// Integers, and also `t`/`f` (a comparison's value, 1/0 as SQLite gives it) and numerics (truncated).
    func int64(_ column: Int32) -> Int64 {
        withBytes(column) { bytes -> Int64 in
            guard let first = bytes.first else { return 0 }
            if first == UInt8(ascii: "t") { return 1 }
            if first == UInt8(ascii: "f") { return 0 }
            var value: Int64 = 0
            var negative = false
            for (i, b) in bytes.enumerated() {
                if i == 0 && b == UInt8(ascii: "-") {
                    negative = true
                    continue
                }
                guard b >= 48 && b <= 57 else { return Int64(double(column)) }
                value = value &* 10 &+ Int64(b - 48)
            }
            return negative ? -value : value
        }
    }

    func double(_ column: Int32) -> Double {
        guard let p = LibPQ.api.getvalue(result, row, column) else { return 0 }
        return strtod(p, nil)
    }

    func text(_ column: Int32) -> String? {
        if isNull(column) { return nil }
        return withBytes(column) { String(decoding: $0, as: UTF8.self) }
    }

    /// By the column's type OID (pg_type): bytea 17, int8 20, int2 21, int4 23, float4 700, float8 701.
    func value(_ column: Int32) -> SQLValue {
        if isNull(column) { return .null }
        switch LibPQ.api.ftype(result, column) {
        case 17: return .blob(blob(column))
        case 20, 21, 23: return .integer(int64(column))
        case 700, 701: return .real(double(column))
        default: return .text(text(column) ?? "")
        }
    }

    /// bytea arrives in hex form (`\x0a1b…`).
    func blob(_ column: Int32) -> [UInt8] {
        withBytes(column) { bytes in
            guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x") else {
                return Array(bytes)
            }
            func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : (c | 0x20) - 87 }
            var out: [UInt8] = []
            out.reserveCapacity((bytes.count - 2) / 2)
            var i = 2
            while i + 1 < bytes.count {
                out.append(nibble(bytes[i]) << 4 | nibble(bytes[i + 1]))
                i += 2
            }
            return out
        }
    }

    func withBytes<R>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let api = LibPQ.api
        let p = api.getvalue(result, row, column)
        let count = Int(api.getlength(result, row, column))
        return try body(
            UnsafeBufferPointer(start: p.map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) }, count: count)
        )
    }
}
