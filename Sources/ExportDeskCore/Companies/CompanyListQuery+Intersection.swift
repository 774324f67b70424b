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
        var sources: [SetSource] = []
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
            let sql = "SELECT c.rowid FROM companies c WHERE c.status = ?\(columnSQL)"
            let args = [SQLValue.text(status)] + columnArgs
            // The patch's companies are found by rowid: an indexed status would walk every company of it.
            let (unindexedColumnSQL, _) = columnClauses(alias: "+c")
            sources.append(
                SetSource(sql: sql, args: args) { rowids in
                    (
                        "SELECT c.rowid FROM companies c WHERE c.rowid IN (SELECT value FROM json_each(?)) AND +c.status = ?\(unindexedColumnSQL)",
                        [rowids] + args
                    )
                })
        }
        let kept = !sources.isEmpty && sources.allSatisfy { hasRowSet($0) }
        guard kept || (includeTotal && sources.count + (searched ? 1 : 0) >= 2) else { return }
        var set = searchRowSet
        for source in sources {
            guard let next = try rowSet(db, source) else { return }
            if set == nil { set = next } else { set?.formIntersection(next) }
        }
        intersection = set
        intersectionCount = set?.count ?? 0
    }

    /// The rowids of the companies a facet keeps, with this list's status and columns. Facet rows carry the
    /// company's status, size and export status in their key (migration 14) and its rowid beside: one range
    /// of the key, no join.
    func facetSource(_ kind: String, _ match: FacetMatch) -> SetSource {
        let (condition, conditionArgs) = Self.facetCondition(kind, match, alias: "f")
        let (columnSQL, columnArgs) = columnClauses(alias: "f")
        // The patch's companies are found by rowid: an indexed status would walk every company of it.
        let (companyColumnSQL, _) = columnClauses(alias: "+c")
        let status = self.status
        return SetSource(
            sql: "SELECT f.company_rowid FROM company_facets f WHERE \(condition) AND f.status = ?\(columnSQL)",
            args: conditionArgs + [.text(status)] + columnArgs
        ) { rowids in
            // Each written company probes its own facet row by the full key, as a page does.
            (
                "SELECT c.rowid FROM companies c WHERE c.rowid IN (SELECT value FROM json_each(?)) AND +c.status = ?\(companyColumnSQL) AND EXISTS (SELECT 1 FROM company_facets f WHERE \(condition) AND f.status = c.status AND f.size = coalesce(c.size, '') AND f.export_status = coalesce(c.export_status, '') AND f.company_id = c.id)",
                [rowids, .text(status)] + columnArgs + conditionArgs
            )
        }
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
