/// A type written straight into a `JSONValue` by code the schema generator writes: the mirror of
/// `JSONReadable`, one member after another and no Codable machinery, because results are written this way
/// on every call.
public protocol JSONWritable {
    var json: JSONValue { get }
}

extension JSONValue: JSONWritable {
    @inlinable public var json: JSONValue { self }
}

extension String: JSONWritable {
    @inlinable public var json: JSONValue { .string(self) }
}

extension Bool: JSONWritable {
    @inlinable public var json: JSONValue { .bool(self) }
}

extension Int64: JSONWritable {
    @inlinable public var json: JSONValue { .number(.int(self)) }
}

extension JSONNumber: JSONWritable {
    @inlinable public var json: JSONValue { .number(self) }
}

extension JSONObject: JSONWritable {
    @inlinable public var json: JSONValue { .object(self) }
}

extension Array: JSONWritable where Element: JSONWritable {
    // A closure, not `map(\.json)`: a key path is instantiated at run time on every call.
    @inlinable public var json: JSONValue {
        var items: [JSONValue] = []
        items.reserveCapacity(count)
        for element in self { items.append(element.json) }
        return .array(items)
    }
}

extension JSONWritable where Self: RawRepresentable, RawValue == String {
    /// A generated enum: its value as written in the schema.
    @inlinable public var json: JSONValue { .string(rawValue) }
}
