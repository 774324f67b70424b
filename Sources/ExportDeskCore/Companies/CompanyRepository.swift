import ExportDeskSchemas
import JSON
import Storage

/// Companies (exporter profiles) in SQLite: the record as JSON plus indexed columns, facets for
/// multi-valued filters, and an FTS5 index for `filter.q`.
public enum CompanyRepository {
    /// The companies table: its indexed columns, and as hooks the INN and externalRef uniqueness, the facet
    /// rows, the count per status and the full-text entry (`CompanyIndex`).
    public static let records = RecordTable<Records.Company>(
        table: "companies", entity: "company", prefix: "co",
        synced: [
            ("status", { .text($0.status.rawValue) }),
            ("inn", { $0.inn.sqlValue }),
            ("size", { ($0.size?.rawValue).sqlValue }),
            ("export_status", { ($0.exportStatus?.rawValue).sqlValue }),
            ("name_key", { .text($0.name.lowercased()) }),
        ], hooks: RecordHooks(check: CompanyIndex.checkUnique, index: CompanyIndex.index))

    // MARK: reads

    public static func get(_ db: any SQLDatabase, id: String) throws -> JSONValue {
        .object(try records.get(db, id: id))
    }

    /// `prefixValueLimit`: how many distinct values a prefix filter may resolve to before it is matched as a
    /// range instead (tests set 0 to exercise the range path).
    public static func list(
        _ db: any SQLDatabase, _ listQuery: CompanyListQuery, prefixValueLimit: Int = 64
    ) throws -> ListPage<Records.Company> {
        // The plan's probes, the page and the total read one snapshot: the total counts the page's state.
        // Kept rowid sets are only for committed states: inside a write transaction the list reads without them.
        let keepsSets = !db.inTransaction
        return try db.readSnapshot {
            var query = listQuery
            // A database not yet at migration 16 has no generation: it lists without kept sets.
            if keepsSets { query.stamp = (try? CompanySets.stamp(db)) ?? nil }
            return try listInSnapshot(db, query, prefixValueLimit: prefixValueLimit)
        }
    }

    private static func listInSnapshot(
        _ db: any SQLDatabase, _ listQuery: CompanyListQuery, prefixValueLimit: Int
    ) throws -> ListPage<Records.Company> {
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
        var items: [[UInt8]] = []
        var last: (String, String)?
        var more = false
        try db.query(sql, args) { s in
            if items.count == query.limit {
                more = true
                return
            }
            items.append(s.withBytes(0) { Array($0) })
            last = (s.text(1) ?? "", s.text(2) ?? "")
        }
        var total: Int64?
        if query.intersection != nil, query.includeTotal {
            total = Int64(query.intersectionCount)
        } else if query.includeTotal {
            let (countSQL, countArgs) = query.countSQL()
            total = try db.scalar(countSQL, countArgs) ?? 0
        }
        let sortName = (query.descending ? "-" : "") + query.sortField
        let next = more ? last.map { ListCursor(sort: sortName, value: $0.0, id: $0.1).encoded } : nil
        return ListPage(rows: items, nextCursor: next, total: total)
    }

    // MARK: writes

    public static func create(_ ctx: WriteContext, _ p: Params.CompaniesCreate) throws -> JSONValue {
        var record = TypedRecords.fields(of: p, CompanyRules.mutableFields)
        CompanyRules.deriveKind(&record)
        record.recordStatus = Records.Company.Status.active.rawValue
        return .object(try records.insert(ctx, record) { try CompanyRules.check($0, path: "") })
    }

    /// Applies a JSON Merge Patch of the mutable fields (SPEC §4), checking `expectedVersion`.
    public static func update(
        _ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?
    ) throws -> JSONValue {
        .object(
            try records.update(
                ctx, id: id, patch: patch, mutableFields: CompanyRules.mutableFields, expectedVersion: expectedVersion,
                derive: { CompanyRules.deriveKind(&$0, patch: patch) },
                validate: { try CompanyRules.check($0, path: "/patch") }))
    }

    public static func archive(_ ctx: WriteContext, id: String, expectedVersion: Int64?) throws -> JSONValue {
        .object(
            try records.transition(
                ctx, id: id, verb: "archive", lifecycle: .company, expectedVersion: expectedVersion, op: .deleted))
    }

    public static func restore(_ ctx: WriteContext, id: String, expectedVersion: Int64?) throws -> JSONValue {
        .object(
            try records.transition(ctx, id: id, verb: "restore", lifecycle: .company, expectedVersion: expectedVersion))
    }
}

/// Synced by partners (SPEC §7): its table carries ext_system/ext_id.
extension Records.Company: SyncedRecord {}
