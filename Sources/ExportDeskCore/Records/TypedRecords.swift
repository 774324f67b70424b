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

    /// A stored value (an answer kept for an idempotency key) as its type.
    public static func decode<R: JSONReadable>(_ type: R.Type, _ value: JSONValue) throws -> R {
        do {
            return try R(json: value)
        } catch {
            Log.error("a stored value does not decode as \(R.self): \(error)")
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

    /// Edits a record's JSON through its type: decoded, changed by `body`, encoded back in place.
    public static func edit<R: JSONReadable & JSONWritable>(
        _ object: inout JSONObject, as type: R.Type, _ body: (inout R) throws -> Void
    ) throws {
        var typed = try decode(R.self, object)
        try body(&typed)
        object = typed.json.objectValue ?? JSONObject()
    }

    /// The members of a create's typed params that a record stores (`fields`), as JSON: what the server adds
    /// (id, version, status, timestamps) comes after.
    public static func fields(of params: some JSONWritable, _ fields: Set<String>) -> JSONObject {
        var record = JSONObject()
        for (key, value) in params.json.objectValue ?? JSONObject() where fields.contains(key) { record[key] = value }
        return record
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
