/// Decodes `Decodable` types straight from a parsed `JSONValue`, with no second parse.
public struct JSONValueDecoder {
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        return try T(from: _JSONDecoder(value: value, parentPath: [], key: nil, userInfo: userInfo))
    }
}

/// A decoder is a class so that passing it as `any Decoder`, and keeping it in a container, boxes nothing.
final class _JSONDecoder: Decoder {
    let value: JSONValue
    /// The path of the container the value sits in, and its key there. The full path is built only when
    /// asked for (an error, mostly), so decoding a record builds no path per member.
    let parentPath: [any CodingKey]
    let key: (any CodingKey)?
    let userInfoStore: [CodingUserInfoKey: any Sendable]
    var userInfo: [CodingUserInfoKey: Any] { userInfoStore }
    var codingPath: [any CodingKey] { key.map { parentPath + [$0] } ?? parentPath }

    init(
        value: JSONValue, parentPath: [any CodingKey], key: (any CodingKey)?,
        userInfo: [CodingUserInfoKey: any Sendable]
    ) {
        self.value = value
        self.parentPath = parentPath
        self.key = key
        self.userInfoStore = userInfo
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let o) = value else {
            throw Scalar.mismatch(JSONObject.self, "an object", value, codingPath)
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(object: o, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let a) = value else { throw Scalar.mismatch([JSONValue].self, "an array", value, codingPath) }
        return UnkeyedContainer(array: a, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleContainer(decoder: self) }

    /// A member or element of this value that is not a scalar, given the path of its container.
    func child(_ value: JSONValue, _ key: any CodingKey, path: [any CodingKey]) -> _JSONDecoder {
        _JSONDecoder(value: value, parentPath: path, key: key, userInfo: userInfoStore)
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        if let fast = try Scalar.fast(T.self, value, self.codingPath) { return fast }
        return try T(from: self)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let decoder: _JSONDecoder
    let codingPath: [any CodingKey]
    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    init(object: JSONObject, decoder: _JSONDecoder) {
        self.object = object
        self.decoder = decoder
        self.codingPath = decoder.codingPath
    }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let v = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath + [key], debugDescription: "is required"))
        }
        return v
    }

    /// The member when present and not null: one lookup, where the default decodeIfPresent makes three.
    private func present(_ key: Key) -> JSONValue? {
        guard let v = object[key.stringValue], !v.isNull else { return nil }
        return v
    }

    private func value<T: Decodable>(_ type: T.Type, _ v: JSONValue, _ key: Key) throws -> T {
        if T.self == JSONValue.self { return v as! T }
        if let fast = try Scalar.fast(T.self, v, codingPath + [key]) { return fast }
        return try T(from: decoder.child(v, key, path: codingPath))
    }

    func decodeNil(forKey key: Key) throws -> Bool { present(key) == nil }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Scalar.bool(member(key), codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try Scalar.string(member(key), codingPath + [key])
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try Scalar.double(member(key), codingPath + [key])
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        Float(try Scalar.double(member(key), codingPath + [key]))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(type, key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(type, member(key), key) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type, _ key: Key) throws -> T {
        try Scalar.integer(type, member(key), codingPath + [key])
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try present(key).map { try Scalar.bool($0, codingPath + [key]) }
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try present(key).map { try Scalar.string($0, codingPath + [key]) }
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try present(key).map { try Scalar.double($0, codingPath + [key]) }
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try present(key).map { try Scalar.integer(type, $0, codingPath + [key]) }
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try present(key).map { try Scalar.integer(type, $0, codingPath + [key]) }
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try present(key).map { try value(type, $0, key) }
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder.child(member(key), key, path: codingPath).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.child(member(key), key, path: codingPath).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder {
        decoder.child(.object(object), JSONKey(stringValue: "super"), path: codingPath)
    }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        decoder.child(object[key.stringValue] ?? .null, key, path: codingPath)
    }
}

/// Three words, so that it fits the inline buffer of `any UnkeyedDecodingContainer`; the path is built
/// only for an error or a non-scalar element.
private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let array: [JSONValue]
    let decoder: _JSONDecoder
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    init(array: [JSONValue], decoder: _JSONDecoder) {
        self.array = array
        self.decoder = decoder
    }

    private func elementPath(_ i: Int) -> [any CodingKey] { codingPath + [IndexKey(i)] }

    private mutating func next() throws -> (JSONValue, Int) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Any.self, .init(codingPath: elementPath(currentIndex), debugDescription: "array is too short"))
        }
        defer { currentIndex += 1 }
        return (array[currentIndex], currentIndex)
    }

    private mutating func scalar<T>(_ read: (JSONValue, @autoclosure () -> [any CodingKey]) throws -> T) throws -> T {
        let (v, i) = try next()
        return try read(v, elementPath(i))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if array[currentIndex].isNull {
            currentIndex += 1
            return true
        }
        return false
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try scalar { try Scalar.bool($0, $1()) } }
    mutating func decode(_ type: String.Type) throws -> String { try scalar { try Scalar.string($0, $1()) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try scalar { try Scalar.double($0, $1()) } }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try scalar { try Scalar.integer(type, $0, $1()) }
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (v, i) = try next()
        if T.self == JSONValue.self { return v as! T }
        if let fast = try Scalar.fast(T.self, v, elementPath(i)) { return fast }
        return try T(from: decoder.child(v, IndexKey(i), path: codingPath))
    }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let (v, i) = try next()
        return try decoder.child(v, IndexKey(i), path: codingPath).container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (v, i) = try next()
        return try decoder.child(v, IndexKey(i), path: codingPath).unkeyedContainer()
    }
    mutating func superDecoder() throws -> any Decoder {
        let (v, i) = try next()
        return decoder.child(v, IndexKey(i), path: codingPath)
    }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let decoder: _JSONDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    private var value: JSONValue { decoder.value }
    func decodeNil() -> Bool { value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try Scalar.bool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try Scalar.string(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try Scalar.double(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try Scalar.double(value, codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try Scalar.integer(type, value, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try Scalar.integer(type, value, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try Scalar.integer(type, value, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try Scalar.integer(type, value, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try Scalar.integer(type, value, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try Scalar.integer(type, value, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Scalar.integer(type, value, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Scalar.integer(type, value, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Scalar.integer(type, value, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Scalar.integer(type, value, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(type) }
}
