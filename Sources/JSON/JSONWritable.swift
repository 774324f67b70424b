/// A type written straight into a `JSONValue` by code the schema generator writes: the mirror of
/// `JSONReadable`, one member after another and no Codable machinery, because results are written this way
/// on every call.
public protocol JSONWritable {
    var json: JSONValue { get }
}

extension JSONValue: JSONWritable {
    public var json: JSONValue { self }
}

extension String: JSONWritable {
    public var json: JSONValue { .string(self) }
}

extension Bool: JSONWritable {
    public var json: JSONValue { .bool(self) }
}

extension Int64: JSONWritable {
    public var json: JSONValue { .number(.int(self)) }
}

extension JSONNumber: JSONWritable {
    public var json: JSONValue { .number(self) }
}

extension JSONObject: JSONWritable {
    public var json: JSONValue { .object(self) }
}

extension Array: JSONWritable where Element: JSONWritable {
    public var json: JSONValue { .array(map(\.json)) }
}

extension JSONWritable where Self: RawRepresentable, RawValue == String {
    /// A generated enum: its value as written in the schema.
    public var json: JSONValue { .string(rawValue) }
}
