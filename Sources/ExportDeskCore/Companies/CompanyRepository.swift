import JSON
import JSONRPC
import Storage

/// Companies (exporter profiles) in SQLite: the record as JSON plus indexed columns, facets for
/// multi-valued filters, and an FTS5 index for `filter.q`.
public enum CompanyRepository {
    static let entity = "company"
    static let prefix = "co"

    // MARK: reads

    public static func get(_ db: any SQLDatabase, id: String) throws -> JSONValue {
        guard let (_, record) = try load(db, id: id) else { throw RPCError.notFound(entity: entity, id: id) }
        return .object(record)
    }

    static func load(_ db: any SQLDatabase, id: String) throws -> (rowid: Int64, record: JSONObject)? {
        guard RecordID.prefix(of: id) == prefix else { return nil }
        var found: (Int64, JSONObject)?
        try db.query("SELECT rowid, data FROM companies WHERE id = ?", [.text(id)]) { s in
            let record = try s.withBytes(1) { try JSONParser.parse($0) }
            found = (s.int64(0), record.objectValue ?? JSONObject())
        }
        return found
    }

    /// `prefixValueLimit`: how many distinct values a prefix filter may resolve to before it is matched as a
    /// range instead (tests set 0 to exercise the range path).
    public static func list(
        _ db: any SQLDatabase, _ listQuery: CompanyListQuery, prefixValueLimit: Int = 64
    ) throws -> JSONValue {
        var query = listQuery
        try query.resolvePrefixes(db, limit: prefixValueLimit)
        let (filter, filterArgs) = query.filterSQL()
        let column = CompanyListQuery.sortColumns[query.sortField] ?? "created_at"
        var sql = "SELECT c.data, c.\(column), c.id FROM companies c WHERE \(filter)"
        var args = filterArgs
        if let cursor = query.cursor {
            let cmp = query.descending ? "<" : ">"
            sql += " AND (c.\(column) \(cmp) ? OR (c.\(column) = ? AND c.id \(cmp) ?))"
            args += [.text(cursor.value), .text(cursor.value), .text(cursor.id)]
        }
        let direction = query.descending ? "DESC" : "ASC"
        sql += " ORDER BY c.status, c.\(column) \(direction), c.id \(direction) LIMIT ?"
        args.append(.integer(Int64(query.limit + 1)))
        var items: [JSONValue] = []
        var last: (String, String)?
        var more = false
        try db.query(sql, args) { s in
            if items.count == query.limit {
                more = true
                return
            }
            items.append(try s.withBytes(0) { try JSONParser.parse($0) })
            last = (s.text(1) ?? "", s.text(2) ?? "")
        }
        var result: JSONObject = ["items": .array(items)]
        if more, let last {
            let sortName = (query.descending ? "-" : "") + query.sortField
            result["nextCursor"] = .string(ListCursor(sort: sortName, value: last.0, id: last.1).encoded)
        } else {
            result["nextCursor"] = .null
        }
        if query.includeTotal {
            let (countSQL, countArgs) = query.countSQL()
            result["total"] = .number(.int(try db.scalar(countSQL, countArgs) ?? 0))
        }
        return .object(result)
    }

    // MARK: writes

    public static func create(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        var record = JSONObject()
        for (key, value) in fields where CompanyRules.mutableFields.contains(key) { record[key] = value }
        try CompanyRules.normalize(&record)
        let id = RecordID.make(prefix, millis: ctx.nowMillis)
        var full: JSONObject = ["id": .string(id)]
        for (k, v) in record { full[k] = v }
        full["status"] = "active"
        full["version"] = 1
        full["createdAt"] = .string(ctx.now)
        full["updatedAt"] = .string(ctx.now)
        try checkUnique(ctx.db, full, id: id)
        let rowid = try ctx.db.insertReturningRowid(
            """
            INSERT INTO companies(id, status, inn, size, export_status, name_key, created_at, updated_at, version, ext_system, ext_id, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, columns(full) + [.text(JSONValue.object(full).serializedString())])
        try index(ctx.db, rowid: rowid, record: full, previous: nil)
        try ChangeLog.append(ctx, entity: entity, id: id, op: .created, version: 1)
        return .object(full)
    }

    /// Applies a JSON Merge Patch of the mutable fields (SPEC §4), checking `expectedVersion`.
    public static func update(
        _ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?
    ) throws -> JSONValue {
        guard case (let rowid, var record)? = try load(ctx.db, id: id) else {
            throw RPCError.notFound(entity: entity, id: id)
        }
        try Versions.check(record, expectedVersion: expectedVersion)
        var fields = JSONObject()
        for (k, v) in record where CompanyRules.mutableFields.contains(k) { fields[k] = v }
        if patch["inn"] != nil && patch["kind"] == nil, case .string? = patch["inn"] {
            // A new INN re-derives the kind unless the patch sets it too.
            fields["kind"] = nil
        }
        var patched = try ctx.merge(patch, into: fields)
        try CompanyRules.normalize(&patched, path: "/patch")
        for key in CompanyRules.mutableFields { record[key] = patched[key] }
        try save(ctx, rowid: rowid, record: &record)
        return .object(record)
    }

    public static func archive(_ ctx: WriteContext, id: String, expectedVersion: Int64?) throws -> JSONValue {
        try transition(ctx, id: id, verb: "archive", expectedVersion: expectedVersion)
    }

    public static func restore(_ ctx: WriteContext, id: String, expectedVersion: Int64?) throws -> JSONValue {
        try transition(ctx, id: id, verb: "restore", expectedVersion: expectedVersion)
    }

    private static func transition(
        _ ctx: WriteContext, id: String, verb: String, expectedVersion: Int64?
    ) throws -> JSONValue {
        guard case (let rowid, var record)? = try load(ctx.db, id: id) else {
            throw RPCError.notFound(entity: entity, id: id)
        }
        let to = try Lifecycle.company.apply(verb, to: record["status"]?.stringValue ?? "")
        try Versions.check(record, expectedVersion: expectedVersion)
        record["status"] = .string(to)
        try save(ctx, rowid: rowid, record: &record, op: to == "archived" ? .deleted : .updated)
        return .object(record)
    }

    // MARK: helpers

    /// INN is unique among active companies; externalRef is unique per system.
    static func checkUnique(_ db: any SQLDatabase, _ record: JSONObject, id: String) throws {
        if record["status"] == "active", let inn = record["inn"]?.stringValue,
            let other = try firstID(
                db, "SELECT id FROM companies WHERE inn = ? AND status = 'active' AND id <> ?", [.text(inn), .text(id)])
        {
            throw RPCError.duplicate(
                field: "inn", existingId: other, "an active company with INN \(inn) exists: \(other)")
        }
        if let system = record["externalRef"]?["system"]?.stringValue,
            let ext = record["externalRef"]?["id"]?.stringValue,
            let other = try firstID(
                db, "SELECT id FROM companies WHERE ext_system = ? AND ext_id = ? AND id <> ?",
                [.text(system), .text(ext), .text(id)])
        {
            throw RPCError.duplicate(
                field: "externalRef", existingId: other, "externalRef \(system)/\(ext) belongs to \(other)")
        }
    }

    private static func firstID(_ db: any SQLDatabase, _ sql: String, _ args: [SQLValue]) throws -> String? {
        var found: String?
        try db.query(sql, args) { if found == nil { found = $0.text(0) } }
        return found
    }

    private static func save(
        _ ctx: WriteContext, rowid: Int64, record: inout JSONObject, op: ChangeLog.Operation = .updated
    ) throws {
        let previous = try load(ctx.db, id: record["id"]?.stringValue ?? "")?.record
        let id = record["id"]?.stringValue ?? ""
        let version = (record["version"]?.int64Value ?? 0) + 1
        record["version"] = .number(.int(version))
        record["updatedAt"] = .string(ctx.now)
        try checkUnique(ctx.db, record, id: id)
        try ctx.db.run(
            """
            UPDATE companies SET id = ?, status = ?, inn = ?, size = ?, export_status = ?, name_key = ?, created_at = ?,
                updated_at = ?, version = ?, ext_system = ?, ext_id = ?, data = ? WHERE rowid = ?
            """, columns(record) + [.text(JSONValue.object(record).serializedString()), .integer(rowid)])
        try index(ctx.db, rowid: rowid, record: record, previous: previous)
        try ChangeLog.append(ctx, entity: entity, id: id, op: op, version: version)
    }

    private static func columns(_ r: JSONObject) -> [SQLValue] {
        [
            .text(r["id"]?.stringValue ?? ""), .text(r["status"]?.stringValue ?? "active"),
            r["inn"]?.stringValue.sqlValue ?? .null,
            r["size"]?.stringValue.sqlValue ?? .null, r["exportStatus"]?.stringValue.sqlValue ?? .null,
            .text((r["name"]?.stringValue ?? "").lowercased()), .text(r["createdAt"]?.stringValue ?? ""),
            .text(r["updatedAt"]?.stringValue ?? ""),
            .integer(r["version"]?.int64Value ?? 1), r["externalRef"]?["system"]?.stringValue.sqlValue ?? .null,
            r["externalRef"]?["id"]?.stringValue.sqlValue ?? .null,
        ]
    }

    /// Rewrites the facet rows and the full-text entry of one company. The contentless FTS5 table needs the
    /// old values to remove the old entry; facet rows are deleted by primary key from the old values too.
    /// The company count per status (`company_counts`) moves with creates and status changes.
    private static func index(_ db: any SQLDatabase, rowid: Int64, record: JSONObject, previous: JSONObject?) throws {
        let id = record["id"]?.stringValue ?? ""
        let status = record["status"]?.stringValue ?? "active"
        let previousStatus = previous?["status"]?.stringValue
        if previousStatus != status {
            if let previousStatus {
                try db.run("UPDATE company_counts SET n = n - 1 WHERE status = ?", [.text(previousStatus)])
            }
            try db.run(
                "INSERT INTO company_counts(status, n) VALUES (?, 1) ON CONFLICT(status) DO UPDATE SET n = company_counts.n + 1",
                [.text(status)])
        }
        if let previous {
            for (kind, value) in facets(previous) {
                try db.run(
                    "DELETE FROM company_facets WHERE kind = ? AND value = ? AND status = ? AND company_id = ?",
                    [.text(kind), .text(value), .text(previousStatus ?? "active"), .text(id)])
            }
            if db.dialect == .sqlite {
                try db.run(
                    "INSERT INTO companies_fts(companies_fts, rowid, name, short_name, name_en, notes, tags) VALUES ('delete', ?, ?, ?, ?, ?, ?)",
                    [.integer(rowid)] + ftsColumns(previous))
            } else {
                try db.run("DELETE FROM companies_fts WHERE rowid = ?", [.integer(rowid)])
            }
        }
        for (kind, value) in facets(record) {
            try db.run(
                "INSERT INTO company_facets(company_id, kind, value, status) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [.text(id), .text(kind), .text(value), .text(status)])
        }
        try indexText(db, rowid: rowid, record: record)
    }

    /// Adds a company to the full-text index (also used to rebuild it after a copy between engines).
    static func indexText(_ db: any SQLDatabase, rowid: Int64, record: JSONObject) throws {
        if db.dialect == .sqlite {
            try db.run(
                "INSERT INTO companies_fts(rowid, name, short_name, name_en, notes, tags) VALUES (?, ?, ?, ?, ?, ?)",
                [.integer(rowid)] + ftsColumns(record))
        } else {
            // The words FTS5's unicode61 tokenizer would index, folded the same way, as one tsvector.
            let text = ftsColumns(record).compactMap { if case .text(let t) = $0 { return t } else { return nil } }
                .joined(separator: " ")
            try db.run(
                "INSERT INTO companies_fts(rowid, doc) VALUES (?, to_tsvector('simple', ?))",
                [.integer(rowid), .text(TextFold.fold(text))])
        }
    }

    /// The multi-valued filter fields as (kind, value) pairs, without repeats.
    private static func facets(_ r: JSONObject) -> [(String, String)] {
        var out: [(String, String)] = []
        for (kind, field) in [
            ("targetMarket", "targetMarkets"), ("okved", "okved"), ("hsCode", "hsCodes"), ("tag", "tags"),
        ] {
            var seen = Set<String>()
            for value in (r[field]?.arrayValue ?? []).compactMap(\.stringValue) where seen.insert(value).inserted {
                out.append((kind, value))
            }
        }
        return out
    }

    private static func ftsColumns(_ r: JSONObject) -> [SQLValue] {
        let tags = (r["tags"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: " ")
        return [
            .text(r["name"]?.stringValue ?? ""), r["shortName"]?.stringValue.sqlValue ?? .null,
            r["nameEn"]?.stringValue.sqlValue ?? .null, r["notes"]?.stringValue.sqlValue ?? .null, .text(tags),
        ]
    }
}
