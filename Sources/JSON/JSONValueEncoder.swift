/// Encodes `Encodable` types straight into a `JSONValue`; nil optionals are left out, as synthesized Codable does.
public struct JSONValueEncoder {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        if let v = value as? JSONValue { return v }
        let encoder = _JSONEncoder(node: EncodingNode(), codingPath: [])
        try value.encode(to: encoder)
        return encoder.node.resolve()
    }
}

/// A value under construction; containers share nodes by reference until `resolve()`.
final class EncodingNode {
    private enum State {
        case empty
        case value(JSONValue)
        case object(keys: [String], children: [String: EncodingNode])
        case array([EncodingNode])
    }
    private var state: State = .empty

    func set(_ v: JSONValue) { state = .value(v) }

    func makeObject() {
        if case .object = state { return }
        state = .object(keys: [], children: [:])
    }

    func makeArray() {
        if case .array = state { return }
        state = .array([])
    }

    func child(forKey key: String) -> EncodingNode {
        makeObject()
        guard case .object(var keys, var children) = state else { fatalError("unreachable") }
        if let existing = children[key] { return existing }
        let node = EncodingNode()
        keys.append(key)
        children[key] = node
        state = .object(keys: keys, children: children)
        return node
    }

    func appendChild() -> EncodingNode {
        makeArray()
        guard case .array(var items) = state else { fatalError("unreachable") }
        let node = EncodingNode()
        items.append(node)
        state = .array(items)
        return node
    }

    var arrayCount: Int { if case .array(let a) = state { return a.count } else { return 0 } }

    func resolve() -> JSONValue {
        switch state {
        case .empty: return .object(JSONObject())
        case .value(let v): return v
        case .object(let keys, let children):
            var o = JSONObject()
            for k in keys { o[k] = children[k]!.resolve() }
            return .object(o)
        case .array(let items): return .array(items.map { $0.resolve() })
        }
    }
}

final class _JSONEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(node: EncodingNode, codingPath: [any CodingKey]) {
        self.node = node
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedEncoder<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedEncoder(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleEncoder(node: node, codingPath: codingPath)
    }
}

/// Turns an Encodable into a JSONValue, with fast paths for the scalar types.
func encodeValue<T: Encodable>(_ value: T, into node: EncodingNode, codingPath: [any CodingKey]) throws {
    switch value {
    case let v as JSONValue: node.set(v)
    case let v as String: node.set(.string(v))
    case let v as Bool: node.set(.bool(v))
    case let v as Int: node.set(.number(.int(Int64(v))))
    case let v as Int64: node.set(.number(.int(v)))
    case let v as Double: node.set(.number(JSONNumber(v)))
    default: try value.encode(to: _JSONEncoder(node: node, codingPath: codingPath))
    }
}

private struct KeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.child(forKey: key.stringValue).set(.null) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encodeValue(value, into: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
    }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = node.child(forKey: key.stringValue)
        child.makeObject()
        return KeyedEncodingContainer(KeyedEncoder<NestedKey>(node: child, codingPath: codingPath + [key]))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.child(forKey: key.stringValue)
        child.makeArray()
        return UnkeyedEncoder(node: child, codingPath: codingPath + [key])
    }
    mutating func superEncoder() -> any Encoder {
        _JSONEncoder(node: node.child(forKey: "super"), codingPath: codingPath)
    }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        _JSONEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedEncoder: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var count: Int { node.arrayCount }

    mutating func encodeNil() throws { node.appendChild().set(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let key = JSONKey(intValue: count)
        try encodeValue(value, into: node.appendChild(), codingPath: codingPath + [key])
    }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = node.appendChild()
        child.makeObject()
        return KeyedEncodingContainer(KeyedEncoder<NestedKey>(node: child, codingPath: codingPath))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = node.appendChild()
        child.makeArray()
        return UnkeyedEncoder(node: child, codingPath: codingPath)
    }
    mutating func superEncoder() -> any Encoder { _JSONEncoder(node: node.appendChild(), codingPath: codingPath) }
}

private struct SingleEncoder: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    mutating func encodeNil() throws { node.set(.null) }
    mutating func encode(_ value: Bool) throws { node.set(.bool(value)) }
    mutating func encode(_ value: String) throws { node.set(.string(value)) }
    mutating func encode(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "JSON has no NaN or infinity"))
        }
        node.set(.number(JSONNumber(value)))
    }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws { node.set(.number(.int(Int64(value)))) }
    mutating func encode(_ value: Int8) throws { node.set(.number(.int(Int64(value)))) }
    mutating func encode(_ value: Int16) throws { node.set(.number(.int(Int64(value)))) }
    mutating func encode(_ value: Int32) throws { node.set(.number(.int(Int64(value)))) }
    mutating func encode(_ value: Int64) throws { node.set(.number(.int(value))) }
    mutating func encode(_ value: UInt) throws { try encodeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { node.set(.number(.int(Int64(value)))) }
    mutating func encode(_ value: UInt16) throws { node.set(.number(.int(Int64(value)))) }
    mutating func encode(_ value: UInt32) throws { node.set(.number(.int(Int64(value)))) }
    mutating func encode(_ value: UInt64) throws { try encodeUnsigned(value) }
    private func encodeUnsigned(_ value: UInt64) throws {
        if let v = Int64(exactly: value) {
            node.set(.number(.int(v)))
        } else {
            node.set(.number(.literal(String(value))))
        }
    }
    mutating func encode<T: Encodable>(_ value: T) throws { try encodeValue(value, into: node, codingPath: codingPath) }
}
