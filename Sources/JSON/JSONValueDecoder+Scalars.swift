/// A coding key for array positions and dynamic object members.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// An array position as a coding key that fits an existential's inline buffer.
struct IndexKey: CodingKey {
    let index: Int
    var stringValue: String { String(index) }
    var intValue: Int? { index }
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init(intValue: Int) { self.index = intValue }
}

/// Reads one scalar out of a `JSONValue`, or says what it should have been; shared by the three containers
/// so that a scalar member or element is read in place, without a decoder of its own.
enum Scalar {
    static func mismatch(
        _ type: Any.Type, _ expected: String, _ value: JSONValue, _ path: @autoclosure () -> [any CodingKey]
    ) -> DecodingError {
        DecodingError.typeMismatch(
            type, .init(codingPath: path(), debugDescription: "must be \(expected), not \(value.typeName)"))
    }

    static func bool(_ v: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        guard case .bool(let b) = v else { throw mismatch(Bool.self, "a boolean", v, path()) }
        return b
    }

    static func string(_ v: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
        guard case .string(let s) = v else { throw mismatch(String.self, "a string", v, path()) }
        return s
    }

    static func double(_ v: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Double {
        guard case .number(let n) = v else { throw mismatch(Double.self, "a number", v, path()) }
        return n.doubleValue
    }

    static func integer<T: FixedWidthInteger>(
        _ type: T.Type, _ v: JSONValue, _ path: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        guard case .number(let n) = v else { throw mismatch(T.self, "an integer", v, path()) }
        guard let i = n.int64Value else {
            if n.isInteger, let u = UInt64(n.text), let t = T(exactly: u) { return t }
            throw mismatch(T.self, n.isInteger ? "an integer within range" : "an integer", v, path())
        }
        guard let t = T(exactly: i) else { throw mismatch(T.self, "an integer within range of \(T.self)", v, path()) }
        return t
    }

    /// A value of type `T` read without a child decoder when `T` is a string or an array of strings (enums'
    /// raw values, tags, codes: most members of a record), nil otherwise.
    static func fast<T>(_ type: T.Type, _ v: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> T? {
        if T.self == String.self { return try string(v, path()) as? T }
        if T.self == [String].self {
            guard case .array(let items) = v else { throw mismatch(T.self, "an array", v, path()) }
            var out: [String] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() { out.append(try string(item, path() + [IndexKey(i)])) }
            return out as? T
        }
        return nil
    }
}
