import ExportDeskSchemas
import Foundation
import JSON
import Storage
import Support

/// `companies.list` params as SQL: filters, a whitelisted sort, keyset pagination.
public struct CompanyListQuery: Sendable {
    public var status = "active"
    public var size: String?
    public var exportStatus: String?
    public var targetMarket: String?
    public var okvedPrefix: String?
    public var hsPrefix: String?
    public var tag: String?
    public var q: String?
    public var updatedSince: String?
    public var sortField = "createdAt"
    public var descending = false
    public var limit = 50
    public var cursor: ListCursor?
    public var includeTotal = false
    /// Set by `resolvePrefixes` when `updatedSince` matches many companies (see `denseLimit`).
    var updatedSinceIsDense = false
    /// Set by `resolvePrefixes` when `updatedSince` matches few companies and the page is sorted by another
    /// column: those companies are collected from its index and sorted. Left to the planner, SQLite walked the
    /// sort order and tested every company (85 ms at the 100× demo for a date after every update).
    var updatedSinceIsSparse = false
    /// Set by `collectSearchMatches` when `q` matches many companies (SQLite): the matches as a bitmap. The page
    /// walks the sort order and tests each company against it, instead of sorting them all (whatever the
    /// planner's statistics suggest), and the total tests each company it counts.
    var searchRowSet: RowSet?
    /// Set by `intersectDenseSources`: the companies every filter matches, when several filters that each match
    /// many decide a total. The page tests it instead of each filter, and the total is its size.
    var intersection: RowSet?
    /// How many companies `intersection` holds.
    var intersectionCount = 0
    /// The database and company generation of this list's snapshot, under which `CompanySets` keeps rowid
    /// sets; nil inside a write transaction or on PostgreSQL.
    var stamp: CompanySets.Stamp?
    /// How many companies of any status `searchRowSet` holds.
    var searchMatchCount = 0
    /// Set when `q` is the only filter and its status holds most companies: see `searchCountSQL`.
    var searchCountsOthers = false
    /// Set by `resolvePrefixes` when `size` and `exportStatus` match many companies: the page walks the sort
    /// order, whose index carries both columns, instead of sorting every match from their own index.
    var columnsAreDense = false
    /// How many matches make a filter dense: past it, a page walks the sort order and tests the filter.
    public static let denseLimit = 1000
    /// Set by `resolvePrefixes` when `updatedSince` is the only filter, a total is asked for, and fewer than
    /// `denseLimit` companies were updated before it: the total is the status's kept count minus those few.
    var updatedSinceMissesFew = false
    /// The facet filters (by position in `facetFilters`) that `resolvePrefixes` found matching few companies:
    /// the page collects those companies once and sorts them, instead of walking the sort order and probing
    /// each company (a tag nobody has walked all 94,807 companies of the 100× demo: 110–170 ms).
    var sparseFacets: Set<Int> = []
    /// The engine's SQL, learnt from the connection in `resolvePrefixes`.
    var dialect = SQLDialect.sqlite
    /// Restricts the list to one company (what a company's own token may see).
    public var onlyID: String?

    public static let sortColumns = ["createdAt": "created_at", "updatedAt": "updated_at", "name": "name_key"]

    /// Reads validated params (the schema has checked types and enums).
    public init(params: JSONValue) throws {
        try self.init(TypedRecords.params(Params.CompaniesList.self, params.objectValue ?? JSONObject()))
    }

    public init(_ p: Params.CompaniesList) throws {
        let f = p.filter
        status = f?.status?.rawValue ?? Records.Company.Status.active.rawValue
        size = f?.size?.rawValue
        exportStatus = f?.exportStatus?.rawValue
        targetMarket = f?.targetMarket
        okvedPrefix = f?.okvedPrefix
        hsPrefix = f?.hsPrefix
        tag = f?.tag
        q = f?.q
        if let since = f?.updatedSince {
            guard let millis = Timestamps.millis(fromRFC3339: since) else {
                throw DomainError.invalidParams(
                    path: "/filter/updatedSince", keyword: "format", "must be an RFC 3339 date-time")
            }
            updatedSince = WallClock.rfc3339(millis)
        }
        if let sort = p.sortKey {
            descending = sort.hasPrefix("-")
            sortField = descending ? String(sort.dropFirst()) : sort
        }
        limit = Int(p.limit ?? 50)
        includeTotal = p.includeTotal ?? false
        if let text = p.cursor {
            guard let c = ListCursor.decode(text) else {
                throw DomainError.invalidParams(
                    path: "/cursor", keyword: "format", "is not a cursor returned by companies.list")
            }
            guard c.sort == (descending ? "-" : "") + sortField else {
                throw DomainError.invalidParams(
                    path: "/cursor", keyword: "format",
                    "belongs to sort \(c.sort), not \((descending ? "-" : "") + sortField)")
            }
            cursor = c
        }
    }

    /// How a multi-valued filter matches its facet rows.
    enum FacetMatch {
        case value(String)
        /// A prefix resolved to the values present in the database that start with it.
        case values([String])
        /// A prefix with too many distinct values to list: a range of the index.
        case prefix(String)
    }

    /// Exact values of the prefix filters, found by `resolvePrefixes`.
    var resolvedPrefixes: [String: [String]] = [:]

    /// The multi-valued filters given.
    var facetFilters: [(kind: String, match: FacetMatch)] {
        var out: [(String, FacetMatch)] = []
        if let targetMarket { out.append(("targetMarket", .value(targetMarket))) }
        if let tag { out.append(("tag", .value(tag))) }
        for (kind, prefix) in [("okved", okvedPrefix), ("hsCode", hsPrefix)] {
            guard let prefix else { continue }
            out.append((kind, resolvedPrefixes[kind].map { .values($0) } ?? .prefix(prefix)))
        }
        return out
    }

    /// The facet condition on alias `a`, with its arguments.
    static func facetCondition(_ kind: String, _ match: FacetMatch, alias a: String) -> (String, [SQLValue]) {
        switch match {
        case .value(let v): return ("\(a).kind = ? AND \(a).value = ?", [.text(kind), .text(v)])
        case .values(let vs):
            if vs.isEmpty { return ("FALSE", []) }
            return (
                "\(a).kind = ? AND \(a).value IN (\(vs.map { _ in "?" }.joined(separator: ", ")))",
                [.text(kind)] + vs.map { .text($0) }
            )
        case .prefix(let p):
            return (
                "\(a).kind = ? AND \(a).value >= ? AND \(a).value < ?",
                [.text(kind), .text(p), .text(p + "\u{10FFFF}")]
            )
        }
    }

    /// WHERE clause and arguments for the filters (not the cursor); `skipping` leaves out facet filters that
    /// a count already drives from.
    func filterSQL(skipping skipped: Int? = nil) -> (String, [SQLValue]) {
        // With a facet matching few companies, the page is driven from those: SQLite otherwise walked the sort
        // order past every company when another facet was probed per company (21 ms for a tag nobody has).
        if let intersection, intersectionCount < Self.denseLimit {
            // Few companies match every filter: the page reads them by rowid and sorts them, instead of walking
            // the sort order past the many that fail.
            let (columnSQL, columnArgs) = columnClauses(alias: "+c")
            return (
                "\(dialect.unindexed("c.status")) = ?\(columnSQL) AND c.rowid IN (SELECT value FROM json_each(?))",
                [.text(status)] + columnArgs + [.jsonArray(intersection.members)]
            )
        }
        var clauses = [sparseFacets.isEmpty ? "c.status = ?" : "\(dialect.unindexed("c.status")) = ?"]
        var args: [SQLValue] = [.text(status)]
        if let onlyID {
            clauses.append("c.id = ?")
            args.append(.text(onlyID))
        }
        if let size {
            clauses.append("\(columnsAreDense ? dialect.unindexed("c.size") : "c.size") = ?")
            args.append(.text(size))
        }
        if let exportStatus {
            clauses.append("\(columnsAreDense ? dialect.unindexed("c.export_status") : "c.export_status") = ?")
            args.append(.text(exportStatus))
        }
        if let updatedSince, updatedSinceIsSparse {
            clauses.append("c.rowid IN (SELECT rowid FROM companies WHERE status = ? AND updated_at >= ?)")
            args += [.text(status), .text(updatedSince)]
        } else if let updatedSince {
            clauses.append(
                "\(updatedSinceIsDense ? dialect.unindexed("c.updated_at") : "c.updated_at") >= ?")
            args.append(.text(updatedSince))
        }
        if let intersection {
            // Holds every facet's and the search's matches already; status and columns above still drive.
            clauses.append("rowset_contains(?, c.rowid)")
            args.append(.blob(intersection.bytes))
            return (clauses.joined(separator: " AND "), args)
        }
        for (i, facet) in facetFilters.enumerated() where i != skipped {
            let (condition, conditionArgs) = Self.facetCondition(facet.kind, facet.match, alias: "f")
            var collected = sparseFacets.contains(i)
            if case .prefix = facet.match { collected = true }
            if collected {
                // An unresolved prefix is a range of values: a per-row probe would scan the whole range for each
                // company, so the matching companies are collected once (SQLite keeps them in an ephemeral index).
                // A facet with few matches is collected too, so the page sorts those instead of walking them.
                clauses.append(
                    "c.id IN (SELECT f.company_id FROM company_facets f WHERE \(condition) AND f.status = ?)")
                args += conditionArgs + [.text(status)]
            } else {
                clauses.append(
                    "EXISTS (SELECT 1 FROM company_facets f WHERE \(condition) AND f.status = c.status AND f.size = coalesce(c.size, '') AND f.export_status = coalesce(c.export_status, '') AND f.company_id = c.id)"
                )
                args += conditionArgs
            }
        }
        if let set = searchRowSet {
            clauses.append("rowset_contains(?, c.rowid)")
            args.append(.blob(set.bytes))
        } else if let q, let match = Self.ftsQuery(q, dialect) {
            clauses.append(
                dialect == .sqlite
                    ? "c.rowid IN (SELECT rowid FROM companies_fts WHERE companies_fts MATCH ?)"
                    : "c.rowid IN (SELECT rowid FROM companies_fts WHERE doc @@ to_tsquery('simple', ?))")
            args.append(.text(match))
        }
        return (clauses.joined(separator: " AND "), args)
    }

    /// Whole words and word prefixes: every word of `q` must start a word of the record.
    /// FTS5's `"word"* "word"*`, or PostgreSQL's `word:* & word:*` over the same folded words.
    static func ftsQuery(_ q: String, _ dialect: SQLDialect = .sqlite) -> String? {
        let words = q.split { !($0.isLetter || $0.isNumber) }
        guard !words.isEmpty else { return nil }
        switch dialect {
        case .sqlite: return words.map { "\"\($0)\"*" }.joined(separator: " ")
        case .postgresql: return words.map { TextFold.fold(String($0)) + ":*" }.joined(separator: " & ")
        }
    }
}
