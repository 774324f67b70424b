/// A JSON number kept exactly: 64-bit integers as integers, everything else as its literal digits.
///
/// Equality and ordering are numeric (`1.0 == 1`, `1e2 == 100`), computed on decimal digits, never via Double.
public enum JSONNumber: Sendable {
    case int(Int64)
    /// A valid RFC 8259 number literal that is not a plain Int64 (fraction, exponent, -0 or out of range).
    case literal(String)

    public init(_ value: Int) { self = .int(Int64(value)) }

    public init(_ value: Double) {
        if value.isFinite, value == value.rounded(), abs(value) < 9.0e15 {
            self = .int(Int64(value))
        } else {
            self = .literal(value.isFinite ? "\(value)" : "0")
        }
    }

    public var int64Value: Int64? {
        switch self {
        case .int(let v): return v
        case .literal:
            let d = decimal
            guard d.isInteger, d.digits.count + d.exponent <= 19 else { return nil }
            var text = d.negative ? "-" : ""
            text += d.digits
            if d.exponent > 0 { text += String(repeating: "0", count: d.exponent) }
            return Int64(text)
        }
    }

    public var doubleValue: Double {
        switch self {
        case .int(let v): return Double(v)
        case .literal(let s): return Double(s) ?? .nan
        }
    }

    /// The number as written in JSON.
    public var text: String {
        switch self {
        case .int(let v): return String(v)
        case .literal(let s): return s
        }
    }

    public var isInteger: Bool {
        switch self {
        case .int: return true
        case .literal: return decimal.isInteger
        }
    }

    /// Sign, significant digits without leading or trailing zeros, and power of ten: value = ±digits × 10^exponent.
    public struct Decimal: Hashable, Sendable {
        public var negative: Bool
        public var digits: String  // "" for zero
        public var exponent: Int
        public var isZero: Bool { digits.isEmpty }
        public var isInteger: Bool { isZero || exponent >= 0 }
    }

    public var decimal: Decimal {
        var negative = false
        var digits: [UInt8] = []
        var exponent = 0
        var fractionDigits = 0
        var seenDot = false
        var expPart = 0
        var expNegative = false
        var inExp = false
        for b in text.utf8 {
            if inExp {
                if b == UInt8(ascii: "-") {
                    expNegative = true
                } else if b == UInt8(ascii: "+") {
                    continue
                } else {
                    if expPart < 100_000_000 { expPart = expPart * 10 + Int(b - 48) }
                }
                continue
            }
            switch b {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): seenDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExp = true
            default:
                if digits.isEmpty && b == UInt8(ascii: "0") {
                    if seenDot { fractionDigits += 1 }
                    continue
                }
                digits.append(b)
                if seenDot { fractionDigits += 1 }
            }
        }
        exponent = (expNegative ? -expPart : expPart) - fractionDigits
        while let last = digits.last, last == UInt8(ascii: "0") {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty { return Decimal(negative: false, digits: "", exponent: 0) }
        return Decimal(negative: negative, digits: String(decoding: digits, as: UTF8.self), exponent: exponent)
    }
}

extension JSONNumber: Hashable, Comparable {
    public static func == (a: JSONNumber, b: JSONNumber) -> Bool {
        if case .int(let x) = a, case .int(let y) = b { return x == y }
        return a.decimal == b.decimal
    }

    public func hash(into hasher: inout Hasher) {
        // Hash the normalized decimal so that 1, 1.0 and 1e0 hash alike, as they compare equal.
        hasher.combine(decimal)
    }

    public static func < (a: JSONNumber, b: JSONNumber) -> Bool {
        if case .int(let x) = a, case .int(let y) = b { return x < y }
        return compare(a.decimal, b.decimal) < 0
    }

    /// Exact three-way comparison of two decimals.
    static func compare(_ a: Decimal, _ b: Decimal) -> Int {
        let signA = a.isZero ? 0 : (a.negative ? -1 : 1)
        let signB = b.isZero ? 0 : (b.negative ? -1 : 1)
        if signA != signB { return signA < signB ? -1 : 1 }
        if signA == 0 { return 0 }
        let magnitude = compareMagnitude(a, b)
        return signA > 0 ? magnitude : -magnitude
    }

    private static func compareMagnitude(_ a: Decimal, _ b: Decimal) -> Int {
        let orderA = a.digits.utf8.count + a.exponent
        let orderB = b.digits.utf8.count + b.exponent
        if orderA != orderB { return orderA < orderB ? -1 : 1 }
        let da = Array(a.digits.utf8)
        let db = Array(b.digits.utf8)
        for i in 0..<max(da.count, db.count) {
            let x = i < da.count ? da[i] : 48
            let y = i < db.count ? db[i] : 48
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }
}
