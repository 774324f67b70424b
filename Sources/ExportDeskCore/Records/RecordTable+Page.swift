import ExportDeskSchemas
import JSON
import Storage

extension RecordTable {
    /// One page of records matching `clauses`, sorted by `sortColumn` then id, with the keyset cursor,
    /// `nextCursor` and optional `total` every list has (SPEC §4). `list` is the page request (sort, limit,
    /// cursor, includeTotal); the sort is `sortName` or `-sortName`. `countWhere`, when given, selects the same
    /// records for the total by cheaper conditions (a common word's index entries instead of its `LIKE`);
    /// `knownTotal`, when given, is the total already counted in the caller's snapshot.
    public func page(
        _ db: any SQLDatabase, where clauses: [String], _ args: [SQLValue], sortColumn: String, sortName: String,
        list: some ListParams, defaultDescending: Bool = false, countWhere: ([String], [SQLValue])? = nil,
        knownTotal: Int64? = nil
    ) throws -> ListPage<Record> {
        let descending = list.sortKey.map { $0.hasPrefix("-") } ?? defaultDescending
        let cmp = descending ? "<" : ">"
        let dir = descending ? "DESC" : "ASC"
        let limit = Int(list.limit ?? 50)
        let filter = clauses.isEmpty ? "1 = 1" : clauses.joined(separator: " AND ")
        let cursorName = "\(table).\(descending ? "-" : "")\(sortName)"
        var sql = "SELECT data, \(sortColumn), id FROM \(table) WHERE \(filter)"
        var pageArgs = args
        if let text = list.cursor {
            guard let c = ListCursor.decode(text), c.sort == cursorName else {
                throw DomainError.invalidParams(
                    path: "/cursor", keyword: "format", "is not a cursor returned by this list for this sort")
            }
            sql += " AND (\(sortColumn) \(cmp) ? OR (\(sortColumn) = ? AND id \(cmp) ?))"
            pageArgs += [.text(c.value), .text(c.value), .text(c.id)]
        }
        sql += " ORDER BY \(sortColumn) \(dir), id \(dir) LIMIT ?"
        pageArgs.append(.integer(Int64(limit + 1)))
        var items: [[UInt8]] = []
        var last: (String, String)?
        var more = false
        try db.query(sql, pageArgs) { s in
            if items.count == limit {
                more = true
                return
            }
            items.append(s.withBytes(0) { Array($0) })
            last = (s.text(1) ?? "", s.text(2) ?? "")
        }
        let next = more ? last.map { ListCursor(sort: cursorName, value: $0.0, id: $0.1).encoded } : nil
        var total: Int64?
        if list.includeTotal == true, let knownTotal {
            total = knownTotal
        } else if list.includeTotal == true {
            let (countClauses, countArgs) = countWhere ?? (clauses, args)
            let counted = countClauses.isEmpty ? "1 = 1" : countClauses.joined(separator: " AND ")
            total = try db.scalar("SELECT count(*) FROM \(table) WHERE \(counted)", countArgs) ?? 0
        }
        return ListPage(rows: items, nextCursor: next, total: total)
    }
}
