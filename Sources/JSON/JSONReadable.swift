/// A type read straight from a parsed `JSONValue` by code the schema generator writes: one lookup per member
/// and no Codable machinery, because every stored record is read this way on every write.
public protocol JSONReadable {
    init(json: JSONValue) throws(JSONReadError)
}

/// Why a value could not be read: where (a JSON Pointer) and what was expected there.
public struct JSONReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: [String]
    public var expected: String

    public init(path: [String] = [], expected: String) {
        self.path = path
        self.expected = expected
    }

    public var pointer: String { path.isEmpty ? "" : "/" + path.map(JSONPointer.escape).joined(separator: "/") }
    public var description: String { "\(pointer.isEmpty ? "the value" : pointer) must be \(expected)" }

    /// The same error, one level further out.
    public func inside(_ key: String) -> JSONReadError { JSONReadError(path: [key] + path, expected: expected) }
}

extension JSONObject {
    /// A member that must be present (and not null).
    @inlinable public func required<T: JSONReadable>(_ key: String) throws(JSONReadError) -> T {
        guard let value = self[key], !value.isNull else { throw JSONReadError(path: [key], expected: "present") }
        do { return try T(json: value) } catch { throw error.inside(key) }
    }

    /// A member that may be absent or null.
    @inlinable public func optional<T: JSONReadable>(_ key: String) throws(JSONReadError) -> T? {
        guard let value = self[key], !value.isNull else { return nil }
        do { return try T(json: value) } catch { throw error.inside(key) }
    }
}

extension JSONValue: JSONReadable {
    public init(json: JSONValue) { self = json }
}

extension String: JSONReadable {
    public init(json: JSONValue) throws(JSONReadError) {
        guard case .string(let s) = json else { throw JSONReadError(expected: "a string") }
        self = s
    }
}

extension Bool: JSONReadable {
    public init(json: JSONValue) throws(JSONReadError) {
        guard case .bool(let b) = json else { throw JSONReadError(expected: "a boolean") }
        self = b
    }
}

extension Int64: JSONReadable {
    public init(json: JSONValue) throws(JSONReadError) {
        guard case .number(let n) = json, let i = n.int64Value else { throw JSONReadError(expected: "an integer") }
        self = i
    }
}

extension JSONNumber: JSONReadable {
    public init(json: JSONValue) throws(JSONReadError) {
        guard case .number(let n) = json else { throw JSONReadError(expected: "a number") }
        self = n
    }
}

extension JSONObject: JSONReadable {
    public init(json: JSONValue) throws(JSONReadError) {
        guard case .object(let o) = json else { throw JSONReadError(expected: "an object") }
        self = o
    }
}

extension Array: JSONReadable where Element: JSONReadable {
    public init(json: JSONValue) throws(JSONReadError) {
        guard case .array(let items) = json else { throw JSONReadError(expected: "an array") }
        var out: [Element] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            do { out.append(try Element(json: item)) } catch { throw error.inside(String(i)) }
        }
        self = out
    }
}

extension JSONReadable where Self: RawRepresentable, RawValue == String {
    /// A generated enum: one of its values.
    public init(json: JSONValue) throws(JSONReadError) {
        guard case .string(let s) = json, let value = Self(rawValue: s) else {
            throw JSONReadError(expected: "one of the schema's values")
        }
        self = value
    }
}
