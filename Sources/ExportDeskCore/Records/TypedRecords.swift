import ExportDeskSchemas
import JSON
import Storage
import Support

/// The bridge between a record's JSON (as stored, as merge-patched) and its generated type (`Records.*`):
/// rules read typed fields; the JSON stays the stored form, so a patch is still applied to JSON.
public enum TypedRecords {
    /// A stored record as its type. A record that does not decode breaks its own schema: a bug, logged.
    public static func decode<R: JSONReadable>(_ type: R.Type, _ object: JSONObject) throws -> R {
        do {
            return try R(json: .object(object))
        } catch {
            Log.error("a stored record does not decode as \(R.self): \(error) — \(object.recordID)")
            throw DomainError.internalError
        }
    }

    /// A record about to be written (created, or merge-patched) as its type. The params passed their schema,
    /// so a record that does not decode is named as the params' fault, at `path`, with the decoder's reason.
    public static func decodeWritten<R: JSONReadable>(_ type: R.Type, _ object: JSONObject, path: String) throws -> R {
        try decodeWritten(R.self, .object(object), path: path)
    }

    /// A value about to be written, as its type (`decodeWritten` for a value that is not an object).
    public static func decodeWritten<R: JSONReadable>(_ type: R.Type, _ value: JSONValue, path: String) throws -> R {
        do {
            return try R(json: value)
        } catch {
            throw DomainError.invalidParams(
                path: path + error.pointer, keyword: "type", "the record would not match its schema: \(error)")
        }
    }

    /// A value as JSON (a token, a reference: what is not an object).
    public static func json<R: Encodable>(_ value: R) throws -> JSONValue { try JSONValueEncoder().encode(value) }

    public static func encode<R: Encodable>(_ value: R) throws -> JSONObject {
        try JSONValueEncoder().encode(value).objectValue ?? JSONObject()
    }

    /// Edits a record's JSON through its type: decoded, changed by `body`, encoded back in place.
    public static func edit<R: Codable & JSONReadable>(
        _ object: inout JSONObject, as type: R.Type, _ body: (inout R) throws -> Void
    ) throws {
        var typed = try decode(R.self, object)
        try body(&typed)
        object = try encode(typed)
    }

    /// Params as their method's type; the server has validated them against the same schema already.
    public static func params<P: JSONReadable>(_ type: P.Type, _ object: JSONObject) throws -> P {
        do {
            return try P(json: .object(object))
        } catch {
            throw DomainError.invalidParams(
                path: error.pointer, keyword: "type", "the params do not match \(P.self): \(error)")
        }
    }
}
