import JSON
import JSONRPC
import SQLiteStore

/// Support requests (обращения) of companies, each with a curator from the staff (SPEC §5).
public enum RequestRepository {
    public static let records = RecordTable(table: "requests", entity: "request", prefix: "rq", columns: [
        ("status", { .text($0["status"]?.stringValue ?? "new") }),
        ("service", { .text($0["service"]?.stringValue ?? "") }),
        ("company_id", { .text($0["companyId"]?.stringValue ?? "") }),
        ("curator_id", { $0["curatorId"]?.stringValue.sqlValue ?? .null }),
        ("text_key", { .text(searchText($0)) }),
    ])

    /// Lower-cased words of the subject and description, each preceded by a space, so `LIKE '% term%'`
    /// matches whole words and word prefixes and folds Cyrillic case as well as Latin.
    static func searchText(_ r: JSONObject) -> String {
        let text = [r["subject"]?.stringValue, r["description"]?.stringValue].compactMap { $0 }.joined(separator: " ").lowercased()
        return " " + text.split { !($0.isLetter || $0.isNumber) }.joined(separator: " ") + " "
    }

    public static func submit(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        let companyID = fields["companyId"]?.stringValue ?? ""
        _ = try CompanyRepository.get(ctx.db, id: companyID)
        var record = JSONObject()
        for key in ["companyId", "service", "channel", "subject", "description", "externalRef"] { record[key] = fields[key] }
        record["status"] = "new"
        record["comments"] = []
        return .object(try records.insert(ctx, record))
    }

    /// Applies a lifecycle verb with its side effects, checking `expectedVersion`.
    public static func transition(_ ctx: WriteContext, verb: String, id: String, expectedVersion: Int64?,
                                  change: (inout JSONObject) throws -> Void = { _ in }) throws -> JSONValue {
        guard var (rowid, record) = try records.load(ctx.db, id: id) else { throw RPCError.notFound(entity: "request", id: id) }
        let next = try RequestLifecycle.apply(verb, to: record["status"]?.stringValue ?? "new")
        try RecordTable.check(record, expectedVersion: expectedVersion)
        try change(&record)
        record["status"] = .string(next)
        try records.save(ctx, rowid: rowid, &record)
        return .object(record)
    }

    public static func assign(_ ctx: WriteContext, id: String, curatorID: String, expectedVersion: Int64?) throws -> JSONValue {
        let curator = try StaffRepository.records.get(ctx.db, id: curatorID)
        guard curator["active"] != .bool(false) else {
            throw RPCError(code: 1006, reason: "RULE_VIOLATION", message: "staff member \(curatorID) is deactivated and cannot take requests",
                           data: ["rule": "CURATOR_INACTIVE", "curatorId": .string(curatorID)])
        }
        return try transition(ctx, verb: "assign", id: id, expectedVersion: expectedVersion) { $0["curatorId"] = .string(curatorID) }
    }

    public static func comment(_ ctx: WriteContext, id: String, authorID: String, text: String, expectedVersion: Int64?) throws -> JSONValue {
        _ = try StaffRepository.records.get(ctx.db, id: authorID)
        guard var (rowid, record) = try records.load(ctx.db, id: id) else { throw RPCError.notFound(entity: "request", id: id) }
        try RecordTable.check(record, expectedVersion: expectedVersion)
        var comments = record["comments"]?.arrayValue ?? []
        comments.append(["at": .string(ctx.now), "authorId": .string(authorID), "text": .string(text)])
        record["comments"] = .array(comments)
        try records.save(ctx, rowid: rowid, &record)
        return .object(record)
    }

    /// Newest first by default; filters status, service, curatorId, companyId, q; keyset pagination.
    public static func list(_ db: Connection, params: JSONValue, onlyCompany: String? = nil) throws -> JSONValue {
        var clauses = ["1 = 1"], args: [SQLValue] = []
        let f = params["filter"]?.objectValue ?? JSONObject()
        for (key, column) in [("status", "status"), ("service", "service"), ("curatorId", "curator_id"), ("companyId", "company_id")] {
            if let v = f[key]?.stringValue { clauses.append("\(column) = ?"); args.append(.text(v)) }
        }
        if let onlyCompany { clauses.append("company_id = ?"); args.append(.text(onlyCompany)) }
        if let q = f["q"]?.stringValue {
            for word in q.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
                clauses.append("text_key LIKE ?")
                args.append(.text("% " + word.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"))
            }
        }
        let descending = params["sort"]?.stringValue != "createdAt"
        let cmp = descending ? "<" : ">", dir = descending ? "DESC" : "ASC"
        let limit = Int(params["limit"]?.int64Value ?? 50)
        let filter = clauses.joined(separator: " AND ")
        var sql = "SELECT data, created_at, id FROM requests WHERE \(filter)"
        var pageArgs = args
        let sortName = descending ? "requests.-createdAt" : "requests.createdAt"
        if let text = params["cursor"]?.stringValue {
            guard let c = CompanyListQuery.Cursor.decode(text), c.sort == sortName else {
                throw RPCError.invalidParams(path: "/cursor", keyword: "format", "is not a cursor returned by requests.list for this sort")
            }
            sql += " AND (created_at \(cmp) ? OR (created_at = ? AND id \(cmp) ?))"
            pageArgs += [.text(c.value), .text(c.value), .text(c.id)]
        }
        sql += " ORDER BY created_at \(dir), id \(dir) LIMIT ?"
        pageArgs.append(.integer(Int64(limit + 1)))
        var items: [JSONValue] = [], last: (String, String)?, more = false
        try db.query(sql, pageArgs) { s in
            if items.count == limit { more = true; return }
            items.append(try s.withBytes(0) { try JSONParser.parse($0) })
            last = (s.text(1) ?? "", s.text(2) ?? "")
        }
        var result: JSONObject = ["items": .array(items), "nextCursor": .null]
        if more, let last { result["nextCursor"] = .string(CompanyListQuery.Cursor(sort: sortName, value: last.0, id: last.1).encoded) }
        if params["includeTotal"] == .bool(true) {
            result["total"] = .number(.int(try db.scalar("SELECT count(*) FROM requests WHERE \(filter)", args) ?? 0))
        }
        return .object(result)
    }
}
