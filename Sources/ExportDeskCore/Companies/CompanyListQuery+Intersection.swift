import Storage

/// Totals of several filters that each match many companies (SQLite): every filter's rowids are read once from
/// its own index and intersected in memory, instead of a seek into each other filter per match of the
/// driving one (two common facets at the 100× demo: 2,440 of 15,310 rows, 33–53 ms).
extension CompanyListQuery {
    /// Sets `intersection` when a total is asked for and at least two dense sources decide it: facets given
    /// by value, a search read into its bitmap, and `size`/`exportStatus` beside a search. A sparse or range
    /// facet, `updatedSince` or a single company keeps the SQL plans, which are cheap for them.
    mutating func intersectDenseSources(_ db: any SQLDatabase) throws {
        guard includeTotal, dialect == .sqlite, onlyID == nil, updatedSince == nil, sparseFacets.isEmpty else {
            return
        }
        let facets = facetFilters
        for facet in facets {
            if case .prefix = facet.match { return }
        }
        let searched = q.flatMap { Self.ftsQuery($0, dialect) } != nil
        // A search with few matches is a subquery the page is driven from: already cheap.
        if searched && searchRowSet == nil { return }
        let columns = size != nil || exportStatus != nil
        guard facets.count + (searched ? 1 : 0) >= 2 || (searched && columns) else { return }
        var set = searchRowSet.map { RowSet(encoded: $0) }
        func narrow(_ sql: String, _ args: [SQLValue]) throws -> Bool {
            let rowids = try db.integers(sql, args)
            if set == nil {
                guard let first = RowSet(rowids) else { return false }
                set = first
            } else {
                set?.formIntersection(rowids)
            }
            return true
        }
        for facet in facets {
            // Facet rows carry the company's status, size and export status in their key (migration 14) and
            // its rowid beside: one range of the key per facet, no join.
            let (condition, conditionArgs) = Self.facetCondition(facet.kind, facet.match, alias: "f")
            let (columnSQL, columnArgs) = columnClauses(alias: "f")
            guard
                try narrow(
                    "SELECT f.company_rowid FROM company_facets f WHERE \(condition) AND f.status = ?\(columnSQL)",
                    conditionArgs + [.text(status)] + columnArgs)
            else { return }
            if set?.count == 0 { break }
        }
        if facets.isEmpty {
            // A search and columns: the companies of the status and columns, from companies_by_size.
            let (columnSQL, columnArgs) = columnClauses(alias: "c")
            guard
                try narrow(
                    "SELECT c.rowid FROM companies c WHERE c.status = ?\(columnSQL)", [.text(status)] + columnArgs)
            else { return }
        }
        intersection = set
    }

    /// ` AND a.size = ? AND a.export_status = ?` for the columns given.
    func columnClauses(alias a: String) -> (String, [SQLValue]) {
        var sql = ""
        var args: [SQLValue] = []
        for (column, value) in [("size", size), ("export_status", exportStatus)] {
            guard let value else { continue }
            sql += " AND \(a).\(column) = ?"
            args.append(.text(value))
        }
        return (sql, args)
    }
}
