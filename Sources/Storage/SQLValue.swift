/// A value bound to or read from SQLite.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue {
    /// Integers as the text of a JSON array, for `IN (SELECT value FROM json_each(?))`: a list of keys bound as
    /// one parameter, whatever its length.
    public static func jsonArray(_ integers: some Sequence<Int64>) -> SQLValue {
        .text("[" + integers.map(String.init).joined(separator: ",") + "]")
    }
}

extension Optional where Wrapped == String {
    public var sqlValue: SQLValue { map { .text($0) } ?? .null }
}
