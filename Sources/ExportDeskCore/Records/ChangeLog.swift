import JSON
import SQLiteStore

/// The change log of SPEC §4/§7: one row per change, appended in the same transaction as the change.
public enum ChangeLog {
    public enum Operation: String { case created, updated, deleted }

    public static func append(_ ctx: WriteContext, entity: String, id: String, op: Operation, version: Int64) throws {
        try ctx.db.run("INSERT INTO changes(entity, entity_id, op, action, version, at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [.text(entity), .text(id), .text(op.rawValue), .text(ctx.action), .integer(version), .text(ctx.now), .text(ctx.actor)])
    }

    /// A record's changes, oldest first, as `{seq, entity, id, op, action, version, at, actor}`.
    public static func history(_ db: Connection, id: String) throws -> [JSONValue] {
        var items: [JSONValue] = []
        try db.query("SELECT seq, entity, entity_id, op, action, version, at, actor FROM changes WHERE entity_id = ? ORDER BY seq", [.text(id)]) { s in
            items.append([
                "seq": .number(.int(s.int64(0))), "entity": .string(s.text(1) ?? ""), "id": .string(s.text(2) ?? ""),
                "op": .string(s.text(3) ?? ""), "action": .string(s.text(4) ?? ""), "version": .number(.int(s.int64(5))),
                "at": .string(s.text(6) ?? ""), "actor": .string(s.text(7) ?? ""),
            ])
        }
        return items
    }
}
