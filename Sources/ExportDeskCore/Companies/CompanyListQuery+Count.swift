import Storage

/// The total of `companies.list`, from the cheapest source that answers it exactly.
extension CompanyListQuery {
    /// The count for `includeTotal`: the maintained counts when only the status, size and export status filter; the facet
    /// rows alone when only facets, size and export status filter; otherwise a join driven from a facet's
    /// rows, or the status's companies (tested against a search's bitmap).
    func countSQL() -> (String, [SQLValue]) {
        // A count reads every match anyway: it drives from updatedSince's index, however many match. A search
        // keeps its bitmap: the matches are already read, and testing one costs less than joining it.
        var counting = self
        counting.updatedSinceIsDense = false
        counting.updatedSinceIsSparse = false
        counting.columnsAreDense = false
        let facets = facetFilters
        let noSearch = q.flatMap { Self.ftsQuery($0, dialect) } == nil
        let facetsAndColumns = onlyID == nil && updatedSince == nil && noSearch
        if updatedSinceMissesFew, let updatedSince {
            // Counting the few older companies and subtracting reads far fewer index entries than counting
            // the many newer ones (94,807 at the 100× demo for a date before every update).
            return (
                "SELECT (SELECT coalesce(sum(n), 0) FROM company_counts WHERE status = ?) - (SELECT count(*) FROM companies WHERE status = ? AND updated_at < ?)",
                [.text(status), .text(status), .text(updatedSince)]
            )
        }
        if facetsAndColumns && facets.isEmpty {
            // Companies are counted per status, size and export status in each write (migration 19).
            let (columns, columnArgs) = columnClauses(alias: "k")
            return (
                "SELECT coalesce(sum(k.n), 0) FROM company_counts k WHERE k.status = ?\(columns)",
                [.text(status)] + columnArgs
            )
        }
        if let counted = searchCountSQL() { return counted }
        guard !facets.isEmpty else {
            let (filter, args) = counting.filterSQL()
            return ("SELECT count(*) FROM companies c WHERE \(filter)", args)
        }
        // Driven from a facet that matches few companies when there is one: the other facets are then seeks
        // of their full key per company (driven from a common facet, an absent tag cost 26–40 ms).
        let driver = sparseFacets.min() ?? 0
        let (condition, conditionArgs) = Self.facetCondition(facets[driver].kind, facets[driver].match, alias: "d")
        // A company has one facet row per value: with several values (a prefix) count each company once.
        var single = false
        if case .value = facets[driver].match { single = true }
        // Facet rows carry size and export status in their key (migration 14): they narrow its range.
        let (columns, columnArgs) = columnClauses(alias: "d")
        let counted = single ? "count(*)" : "count(DISTINCT d.company_id)"
        // A search read into a bitmap tests the facet rows' company_rowid: still no join.
        if onlyID == nil && updatedSince == nil && (noSearch || searchRowSet != nil) {
            return facetsOnlyCount(
                driver: driver, counted: counted,
                from: (condition + " AND d.status = ?" + columns, conditionArgs + [.text(status)] + columnArgs))
        }
        let (filter, args) = counting.filterSQL(skipping: driver)
        return (
            "SELECT \(counted) FROM company_facets d \(dialect.fixedOrderJoin) companies c ON c.id = d.company_id WHERE \(condition) AND d.status = ?\(columns) AND \(filter)",
            conditionArgs + [.text(status)] + columnArgs + args
        )
    }

    /// Facets, with or without size, export status and a search's bitmap: each facet row carries its company's status,
    /// size and export status in its key, so every other facet is one seek of its full key per row of the
    /// driving facet, with no join to companies (two common facets at the 100× demo: 55 ms joined).
    private func facetsOnlyCount(
        driver: Int, counted: String, from driving: (String, [SQLValue])
    ) -> (String, [SQLValue]) {
        var clauses = [driving.0]
        var args = driving.1
        for (i, facet) in facetFilters.enumerated() where i != driver {
            let (condition, conditionArgs) = Self.facetCondition(facet.kind, facet.match, alias: "f")
            if case .prefix = facet.match {
                // A range of values: collected once rather than scanned per row.
                clauses.append(
                    "d.company_id IN (SELECT f.company_id FROM company_facets f WHERE \(condition) AND f.status = ?)")
                args += conditionArgs + [.text(status)]
            } else {
                clauses.append(
                    "EXISTS (SELECT 1 FROM company_facets f WHERE \(condition) AND f.status = d.status AND f.size = d.size AND f.export_status = d.export_status AND f.company_id = d.company_id)"
                )
                args += conditionArgs
            }
        }
        if let set = searchRowSet {
            clauses.append("rowset_contains(?, d.company_rowid)")
            args.append(.blob(set.bytes))
        }
        return ("SELECT \(counted) FROM company_facets d WHERE \(clauses.joined(separator: " AND "))", args)
    }
}
