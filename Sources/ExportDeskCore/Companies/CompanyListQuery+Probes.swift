import Storage

/// The bounded probes that choose a plan for `companies.list` before its page and total are read: each counts
/// at most `denseLimit` index entries (microseconds) and tells a filter that matches many companies from one
/// that matches few, which SQLite's planner cannot tell from its statistics.
extension CompanyListQuery {
    /// Turns each prefix filter into the distinct values that exist with it (one index seek per value), so
    /// that matching a company is a few point lookups instead of a scan of the whole range.
    public mutating func resolvePrefixes(_ db: any SQLDatabase, limit: Int = 64) throws {
        dialect = db.dialect
        if let updatedSince, sortField != "updatedAt" {
            // Counting at most denseLimit index entries costs microseconds and tells which plan is cheap.
            updatedSinceIsDense = try Self.manyRows(
                db, "SELECT 1 FROM companies WHERE status = ? AND updated_at >= ?",
                [.text(status), .text(updatedSince)])
            updatedSinceIsSparse = !updatedSinceIsDense
        }
        if includeTotal, let updatedSince, onlyUpdatedSince {
            updatedSinceMissesFew = try !Self.manyRows(
                db, "SELECT 1 FROM companies WHERE status = ? AND updated_at < ?", [.text(status), .text(updatedSince)])
        }
        if size != nil || exportStatus != nil {
            var probe = "SELECT 1 FROM companies WHERE status = ?"
            var args: [SQLValue] = [.text(status)]
            if let size {
                probe += " AND size = ?"
                args.append(.text(size))
            }
            if let exportStatus {
                probe += " AND export_status = ?"
                args.append(.text(exportStatus))
            }
            columnsAreDense = try Self.manyRows(db, probe, args)
        }
        try collectSearchMatches(db)
        for (kind, prefix) in [("okved", okvedPrefix), ("hsCode", hsPrefix)] {
            guard let prefix else { continue }
            var values: [String] = []
            var from = prefix
            var inclusive = true
            while values.count <= limit {
                var next: String?
                try db.query(
                    "SELECT min(value) FROM company_facets WHERE kind = ? AND value \(inclusive ? ">=" : ">") ? AND value < ?",
                    [.text(kind), .text(from), .text(prefix + "\u{10FFFF}")]
                ) { next = $0.text(0) }
                guard let value = next else { break }
                values.append(value)
                from = value
                inclusive = false
            }
            if values.count <= limit { resolvedPrefixes[kind] = values }
        }
        for (i, facet) in facetFilters.enumerated() {
            if size == nil, exportStatus == nil, let stamp {
                // A kept set of the facet (CompanySets) is the probe's own question, answered without a read.
                let source = facetSource(facet.kind, facet.match)
                if let kept = CompanySets.shared.set(stamp, CompanySets.source(source.sql, source.args)) {
                    if kept.count < Self.denseLimit { sparseFacets.insert(i) }
                    continue
                }
            }
            let (condition, args) = Self.facetCondition(facet.kind, facet.match, alias: "f")
            let many = try Self.manyRows(
                db, "SELECT 1 FROM company_facets f WHERE \(condition) AND f.status = ?", args + [.text(status)])
            if !many { sparseFacets.insert(i) }
        }
        try intersectDenseSources(db)
    }

    /// Whether `rows` (a query) has at least `denseLimit` rows, reading no more than that many: the probe that
    /// tells a dense filter from a sparse one.
    static func manyRows(_ db: any SQLDatabase, _ rows: String, _ args: [SQLValue]) throws -> Bool {
        let counted = try db.scalar("SELECT count(*) FROM (\(rows) LIMIT \(denseLimit)) AS m", args) ?? 0
        return counted >= denseLimit
    }

    /// Whether `updatedSince` is the only filter besides the status.
    var onlyUpdatedSince: Bool {
        onlyID == nil && size == nil && exportStatus == nil && targetMarket == nil && tag == nil
            && okvedPrefix == nil && hsPrefix == nil && (q.flatMap { Self.ftsQuery($0, dialect) } == nil)
    }
}
