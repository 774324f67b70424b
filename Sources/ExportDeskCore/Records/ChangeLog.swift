import ExportDeskSchemas
import JSON
import Storage

/// The change log of SPEC §4/§7: one row per change, appended in the same transaction as the change.
public enum ChangeLog {
    public enum Operation: String { case created, updated, deleted }

    public static func append(_ ctx: WriteContext, entity: String, id: String, op: Operation, version: Int64) throws {
        try ctx.db.run(
            "INSERT INTO changes(entity, entity_id, op, action, version, at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .text(entity), .text(id), .text(op.rawValue), .text(ctx.action), .integer(version), .text(ctx.now),
                .text(ctx.actor),
            ])
    }

    /// Changes after `since` in `seq` order, only those `visible` lets through, at most `limit` of them.
    /// Returns the entries and the cursor to resume from: after the last change examined, or `since` when
    /// nothing is new, so a partner polling never misses or repeats a change.
    public static func entries(
        _ db: any SQLDatabase, since: Int64, entities: [String]?, limit: Int,
        visible: (_ entity: String, _ id: String) throws -> Bool
    ) throws -> (items: [Records.ChangeEntry], next: Int64) {
        var items: [Records.ChangeEntry] = []
        var next = since
        var sql = "SELECT seq, entity, entity_id, op, action, version, at, actor FROM changes WHERE seq > ?"
        var args: [SQLValue] = [.integer(since)]
        if let entities, !entities.isEmpty {
            sql += " AND entity IN (\(entities.map { _ in "?" }.joined(separator: ", ")))"
            args += entities.map { .text($0) }
        }
        // Scan in bounded chunks so invisible changes cannot make one call unbounded.
        sql += " ORDER BY seq LIMIT ?"
        var scanned = 0
        while items.count < limit && scanned < 100_000 {
            var rows: [Records.ChangeEntry] = []
            try db.query(sql, [args[0]] + args.dropFirst() + [.integer(Int64(limit - items.count))]) { s in
                rows.append(entry(s))
            }
            if rows.isEmpty { break }
            for row in rows {
                next = row.seq
                if try visible(row.entity, row.id) { items.append(row) }
            }
            scanned += rows.count
            args[0] = .integer(next)
        }
        return (items, next)
    }

    private static func entry(_ s: any SQLRow) -> Records.ChangeEntry {
        Records.ChangeEntry(
            seq: s.int64(0), entity: s.text(1) ?? "", id: s.text(2) ?? "",
            op: Records.ChangeEntry.Op(rawValue: s.text(3) ?? "") ?? .updated, action: s.text(4) ?? "",
            version: s.int64(5), at: s.text(6) ?? "", actor: s.text(7))
    }

    /// A record's changes, oldest first.
    public static func history(_ db: any SQLDatabase, id: String) throws -> [Records.ChangeEntry] {
        var items: [Records.ChangeEntry] = []
        try db.query(
            "SELECT seq, entity, entity_id, op, action, version, at, actor FROM changes WHERE entity_id = ? ORDER BY seq",
            [.text(id)]
        ) { s in
            items.append(entry(s))
        }
        return items
    }
}
