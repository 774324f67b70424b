import Storage

/// Totals of several filters that each match many companies (SQLite): every filter's rowids are read once from
/// its own index and intersected in memory, instead of a seek into each other filter per match of the
/// driving one (two common facets at the 100× demo: 2,440 of 15,310 rows, 33–53 ms).
extension CompanyListQuery {
    /// Sets `intersection` when at least two dense sources decide a total (facets given by value, a search read
    /// into its bitmap, and `size`/`exportStatus` beside a search), or when every source's set is kept from an
    /// earlier list (`CompanySets`), with or without a total. A sparse or range facet, `updatedSince` or a
    /// single company keeps the SQL plans, which are cheap for them.
    mutating func intersectDenseSources(_ db: any SQLDatabase) throws {
        guard dialect == .sqlite, onlyID == nil, updatedSince == nil, sparseFacets.isEmpty else { return }
        var sources: [(String, [SQLValue])] = []
        for facet in facetFilters {
            if case .prefix = facet.match { return }
            sources.append(facetSource(facet.kind, facet.match))
        }
        let searched = q.flatMap { Self.ftsQuery($0, dialect) } != nil
        // A search with few matches is a subquery the page is driven from: already cheap.
        if searched && searchRowSet == nil { return }
        if sources.isEmpty && searched && (size != nil || exportStatus != nil) {
            // A search and columns: the companies of the status and columns, from companies_by_size.
            let (columnSQL, columnArgs) = columnClauses(alias: "c")
            sources.append(
                ("SELECT c.rowid FROM companies c WHERE c.status = ?\(columnSQL)", [.text(status)] + columnArgs))
        }
        let kept = !sources.isEmpty && sources.allSatisfy { hasRowSet($0.0, $0.1) }
        guard kept || (includeTotal && sources.count + (searched ? 1 : 0) >= 2) else { return }
        var set = searchRowSet.map { RowSet(encoded: $0) }
        for (sql, args) in sources {
            guard let next = try rowSet(db, sql, args) else { return }
            if set == nil { set = next } else { set?.formIntersection(next) }
        }
        intersection = set
        intersectionCount = set?.count ?? 0
    }

    /// The rowids of the companies a facet keeps, with this list's status and columns. Facet rows carry the
    /// company's status, size and export status in their key (migration 14) and its rowid beside: one range
    /// of the key, no join.
    func facetSource(_ kind: String, _ match: FacetMatch) -> (String, [SQLValue]) {
        let (condition, conditionArgs) = Self.facetCondition(kind, match, alias: "f")
        let (columnSQL, columnArgs) = columnClauses(alias: "f")
        return (
            "SELECT f.company_rowid FROM company_facets f WHERE \(condition) AND f.status = ?\(columnSQL)",
            conditionArgs + [.text(status)] + columnArgs
        )
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
