import JSON
import JSONRPC
import SQLiteStore

/// Staff: the centre's curators and managers (SPEC §5). E-mail is unique among staff.
public enum StaffRepository {
    public static let records = RecordTable(table: "staff", entity: "staff", prefix: "sf", columns: [
        ("email_key", { .text(($0["email"]?.stringValue ?? "").lowercased()) }),
        ("active", { .integer($0["active"] == .bool(false) ? 0 : 1) }),
        ("name_key", { .text(($0["name"]?.stringValue ?? "").lowercased()) }),
    ])
    static let mutableFields: Set<String> = ["name", "email", "position"]

    public static func create(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        var record = JSONObject()
        for (k, v) in fields where mutableFields.contains(k) { record[k] = v }
        record["active"] = true
        try checkUniqueEmail(ctx.db, record["email"]?.stringValue, except: nil)
        return .object(try records.insert(ctx, record))
    }

    public static func update(_ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?) throws -> JSONValue {
        guard var (rowid, record) = try records.load(ctx.db, id: id) else { throw RPCError.notFound(entity: "staff", id: id) }
        try RecordTable.check(record, expectedVersion: expectedVersion)
        var fields = JSONObject()
        for (k, v) in record where mutableFields.contains(k) { fields[k] = v }
        let patched = MergePatch.apply(.object(patch), to: .object(fields)).objectValue ?? JSONObject()
        for key in mutableFields { record[key] = patched[key] }
        try checkUniqueEmail(ctx.db, record["email"]?.stringValue, except: id)
        try records.save(ctx, rowid: rowid, &record)
        return .object(record)
    }

    /// A deactivated staff member keeps their history but can no longer be given requests.
    public static func deactivate(_ ctx: WriteContext, id: String, expectedVersion: Int64?) throws -> JSONValue {
        guard var (rowid, record) = try records.load(ctx.db, id: id) else { throw RPCError.notFound(entity: "staff", id: id) }
        guard record["active"] != .bool(false) else {
            throw invalidTransition(entity: "staff member", from: "inactive", action: "deactivate", allowed: [])
        }
        try RecordTable.check(record, expectedVersion: expectedVersion)
        record["active"] = false
        try records.save(ctx, rowid: rowid, &record, op: .deleted)
        return .object(record)
    }

    /// Ordered by name, with the keyset pagination and envelope every list has (SPEC §4).
    public static func list(_ db: Connection, params: JSONValue) throws -> JSONValue {
        var filter = "1 = 1"
        var args: [SQLValue] = []
        if let active = params["filter"]?["active"]?.boolValue { filter += " AND active = ?"; args.append(.integer(active ? 1 : 0)) }
        if let q = params["filter"]?["q"]?.stringValue {
            filter += " AND (name_key LIKE ? OR email_key LIKE ?)"
            let pattern = "%" + q.lowercased() + "%"
            args += [.text(pattern), .text(pattern)]
        }
        let limit = Int(params["limit"]?.int64Value ?? 50)
        var sql = "SELECT data, name_key, id FROM staff WHERE \(filter)"
        var pageArgs = args
        if let text = params["cursor"]?.stringValue {
            guard let cursor = CompanyListQuery.Cursor.decode(text), cursor.sort == "staff.name" else {
                throw RPCError.invalidParams(path: "/cursor", keyword: "format", "is not a cursor returned by staff.list")
            }
            sql += " AND (name_key > ? OR (name_key = ? AND id > ?))"
            pageArgs += [.text(cursor.value), .text(cursor.value), .text(cursor.id)]
        }
        sql += " ORDER BY name_key, id LIMIT ?"
        pageArgs.append(.integer(Int64(limit + 1)))
        var items: [JSONValue] = []
        var last: (String, String)?
        var more = false
        try db.query(sql, pageArgs) { s in
            if items.count == limit { more = true; return }
            items.append(try s.withBytes(0) { try JSONParser.parse($0) })
            last = (s.text(1) ?? "", s.text(2) ?? "")
        }
        var result: JSONObject = ["items": .array(items), "nextCursor": .null]
        if more, let last { result["nextCursor"] = .string(CompanyListQuery.Cursor(sort: "staff.name", value: last.0, id: last.1).encoded) }
        if params["includeTotal"] == .bool(true) {
            result["total"] = .number(.int(try db.scalar("SELECT count(*) FROM staff WHERE \(filter)", args) ?? 0))
        }
        return .object(result)
    }

    private static func checkUniqueEmail(_ db: Connection, _ email: String?, except id: String?) throws {
        guard let email else { return }
        var other: String?
        try db.query("SELECT id FROM staff WHERE email_key = ? AND id <> ?", [.text(email.lowercased()), .text(id ?? "")]) { other = $0.text(0) }
        if let other {
            throw RPCError(code: 1003, reason: "DUPLICATE", message: "a staff member with e-mail \(email) exists: \(other)",
                           data: ["field": "email", "existingId": .string(other)])
        }
    }
}
