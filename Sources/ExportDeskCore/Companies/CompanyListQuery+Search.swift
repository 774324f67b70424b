import Storage

/// The plan for `q` on SQLite: the full-text matches are read once per list and bound to the page and the total
/// as a bitmap (`rowset_contains`). Before, a common word's prefix doclist was merged three times (the probe,
/// the page's `IN`, the total's `IN`) and each `IN` built an ephemeral index of every match: 54–58 ms for the
/// total of `прибор` (21,216 matches) at the 100× demo.
extension CompanyListQuery {
    /// Reads every match of `q`. Many matches become `searchRowSet`, so the page walks the sort order and tests
    /// each company in O(1); few stay a subquery that SQLite drives the page from.
    mutating func collectSearchMatches(_ db: any SQLDatabase) throws {
        guard dialect == .sqlite, let q, let match = Self.ftsQuery(q, dialect) else { return }
        guard let set = try rowSet(db, Self.searchSource(match)) else { return }
        // Full-text rowids are distinct: the set holds as many as were read.
        let count = set.count
        guard count >= Self.denseLimit else { return }
        searchRowSet = set
        searchMatchCount = count
        if includeTotal && onlySearch {
            // Every company has one full-text row, whatever its status: when the status asked for holds most
            // companies, the total is every match less the few matches of the other statuses.
            searchCountsOthers =
                try db.scalar(
                    "SELECT (SELECT coalesce(sum(n), 0) FROM company_counts WHERE status = ?) * 2 > (SELECT coalesce(sum(n), 0) FROM company_counts)",
                    [.text(status)]) == 1
        }
    }

    /// The companies matching `match` (an FTS5 query). Companies written since a kept set was read are asked
    /// of `CompanySearchProbe`, not of `companies_fts`, which would expand a prefix over its whole doclist.
    static func searchSource(_ match: String) -> SetSource {
        SetSource(sql: "SELECT rowid FROM companies_fts WHERE companies_fts MATCH ?", args: [.text(match)]) {
            db, rowids in try CompanySearchProbe.matches(db, rowids, match)
        }
    }

    /// Whether `q` is the only filter besides the status.
    var onlySearch: Bool {
        onlyID == nil && size == nil && exportStatus == nil && updatedSince == nil && targetMarket == nil
            && tag == nil && okvedPrefix == nil && hsPrefix == nil
    }

    /// The total of a `q` that is the only filter, counted from the statuses other than the one asked for.
    func searchCountSQL() -> (String, [SQLValue])? {
        guard searchCountsOthers, let set = searchRowSet else { return nil }
        return (
            "SELECT ? - (SELECT count(*) FROM companies c WHERE c.status IN (SELECT status FROM company_counts WHERE status <> ?) AND rowset_contains(?, c.rowid))",
            [.integer(Int64(searchMatchCount)), .text(status), .blob(set.bytes)]
        )
    }
}
