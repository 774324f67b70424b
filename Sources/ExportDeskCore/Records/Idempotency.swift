import JSON
import Storage
import Support

/// `idempotencyKey` (SPEC §2): per actor, a retry with the same key and params gets the first response and
/// writes nothing; the same key with other params is DUPLICATE. Kept at least 24 h (rows older than 48 h are
/// purged as new keys arrive).
public enum Idempotency {
    /// The stored response for (actor, key), when the same method and params were seen before.
    public static func lookup(_ ctx: WriteContext, key: String, params: JSONValue) throws -> JSONValue? {
        var stored: (method: String, params: String, response: String)?
        try ctx.db.query(
            "SELECT method, params, response FROM idempotency WHERE actor = ? AND key = ?",
            [.text(ctx.actor), .text(key)]
        ) { s in
            stored = (s.text(0) ?? "", s.text(1) ?? "", s.text(2) ?? "")
        }
        guard let stored else { return nil }
        guard stored.method == ctx.action, stored.params == params.canonicalString else {
            throw DomainError.duplicate(
                field: "idempotencyKey", existingId: nil, "idempotencyKey \(key) was already used with other params")
        }
        return try JSONParser.parse(stored.response)
    }

    public static func remember(_ ctx: WriteContext, key: String, params: JSONValue, response: JSONValue) throws {
        try ctx.db.run(
            "DELETE FROM idempotency WHERE created_at < ?", [.text(WallClock.rfc3339(ctx.nowMillis - 48 * 3_600_000))])
        try ctx.db.run(
            "INSERT INTO idempotency(actor, key, method, params, response, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                .text(ctx.actor), .text(key), .text(ctx.action), .text(params.canonicalString),
                .text(response.serializedString()), .text(ctx.now),
            ])
    }
}

extension JSONValue {
    /// Serialization with object keys sorted: equal values give equal strings.
    public var canonicalString: String {
        func canonical(_ v: JSONValue) -> JSONValue {
            switch v {
            case .object(let o):
                var sorted = JSONObject()
                for key in o.keys.sorted() { sorted[key] = canonical(o[key]!) }
                return .object(sorted)
            case .array(let a): return .array(a.map(canonical))
            default: return v
            }
        }
        return canonical(self).serializedString()
    }
}
