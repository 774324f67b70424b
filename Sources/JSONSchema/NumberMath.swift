import JSON

/// Exact decimal arithmetic for `multipleOf`, so 0.3 is a multiple of 0.1 and 1e308 is not one of 0.123456789.
enum NumberMath {
    static func isMultiple(_ value: JSONNumber, of divisor: JSONNumber) -> Bool {
        if case .int(let a) = value, case .int(let b) = divisor, b != 0 { return a % b == 0 }
        let a = value.decimal
        let b = divisor.decimal
        if a.isZero { return true }
        if b.isZero { return false }
        // a = da·10^ea, b = db·10^eb, digits without trailing zeros. a/b = (da/db)·10^(ea-eb).
        let shift = a.exponent - b.exponent
        if shift < 0 {
            // da has no trailing zeros, so da·10^shift is an integer multiple of db only if db divides da·10^shift,
            // which needs 10^-shift to divide da·(…): impossible unless db absorbs the factors. Fall back exactly:
            // a/b integer ⇔ da ≡ 0 (mod db·10^-shift).
            guard -shift <= 18, let db = UInt64(b.digits), let scale = pow10(-shift) else {
                return fallback(value, divisor)
            }
            let (m, overflow) = db.multipliedReportingOverflow(by: scale)
            if overflow { return fallback(value, divisor) }
            return remainder(of: a.digits, zeros: 0, modulo: m) == 0
        }
        guard let db = UInt64(b.digits), db < (1 << 59) else { return fallback(value, divisor) }
        if shift > 100_000 { return fallback(value, divisor) }
        return remainder(of: a.digits, zeros: shift, modulo: db) == 0
    }

    private static func pow10(_ n: Int) -> UInt64? {
        var r: UInt64 = 1
        for _ in 0..<n {
            let (m, o) = r.multipliedReportingOverflow(by: 10)
            if o { return nil }
            r = m
        }
        return r
    }

    /// (digits followed by `zeros` zeros) mod m, by long division.
    private static func remainder(of digits: String, zeros: Int, modulo m: UInt64) -> UInt64 {
        var r: UInt64 = 0
        for c in digits.utf8 { r = (r * 10 + UInt64(c - 48)) % m }
        var z = 0
        while z < zeros && r != 0 {
            r = (r * 10) % m
            z += 1
        }
        return r
    }

    private static func fallback(_ value: JSONNumber, _ divisor: JSONNumber) -> Bool {
        let q = value.doubleValue / divisor.doubleValue
        guard q.isFinite else { return false }
        return q == q.rounded()
    }
}
