import ExportDeskSchemas
import JSON
import Storage

/// What a company keeps beside its row, as `RecordTable` hooks: the uniqueness of its INN and externalRef, the
/// facet rows of its multi-valued filters (with its size and export status), the count per status, and its full-text entry.
enum CompanyIndex {
    /// INN is unique among active companies; externalRef is unique per system.
    @Sendable static func checkUnique(_ db: any SQLDatabase, _ company: Records.Company) throws {
        if company.status == .active, let inn = company.inn,
            let other = try firstID(
                db, "SELECT id FROM companies WHERE inn = ? AND status = 'active' AND id <> ?",
                [.text(inn), .text(company.id)])
        {
            throw DomainError.duplicate(
                field: "inn", existingId: other, "an active company with INN \(inn) exists: \(other)")
        }
        try CompanyRepository.records.checkExternalRef(db, company.externalRef, id: company.id)
    }

    private static func firstID(_ db: any SQLDatabase, _ sql: String, _ args: [SQLValue]) throws -> String? {
        var found: String?
        try db.query(sql, args) { if found == nil { found = $0.text(0) } }
        return found
    }

    /// Rewrites the facet rows and the full-text entry of one company. The contentless FTS5 table needs the
    /// old values to remove the old entry; facet rows are deleted by primary key from the old values too.
    /// The company count per status, size and export status (`company_counts`) moves with creates and with
    /// changes of those three.
    @Sendable static func index(
        _ db: any SQLDatabase, rowid: Int64, _ company: Records.Company, previous: Records.Company?
    ) throws {
        if db.dialect == .sqlite {
            // Every company write moves the generation, so no list uses a rowid set read before it (CompanySets).
            try db.run("UPDATE company_generation SET n = n + 1 WHERE id = 1")
        }
        let status = company.status.rawValue
        let counted = [SQLValue.text(status)] + facetColumns(company)
        let previousCounted = previous.map { [SQLValue.text($0.status.rawValue)] + facetColumns($0) }
        if previousCounted != counted {
            if let previousCounted {
                try db.run(
                    "UPDATE company_counts SET n = n - 1 WHERE status = ? AND size = ? AND export_status = ?",
                    previousCounted)
            }
            try db.run(
                "INSERT INTO company_counts(status, size, export_status, n) VALUES (?, ?, ?, 1) ON CONFLICT(status, size, export_status) DO UPDATE SET n = company_counts.n + 1",
                counted)
        }
        if let previous {
            let columns = facetColumns(previous)
            for (kind, value) in facets(previous) {
                try db.run(
                    "DELETE FROM company_facets WHERE kind = ? AND value = ? AND status = ? AND size = ? AND export_status = ? AND company_id = ?",
                    [.text(kind), .text(value), .text(previous.status.rawValue)] + columns + [.text(company.id)])
            }
            if db.dialect == .sqlite {
                try db.run(
                    "INSERT INTO companies_fts(companies_fts, rowid, name, short_name, name_en, notes, tags) VALUES ('delete', ?, ?, ?, ?, ?, ?)",
                    [.integer(rowid)] + ftsColumns(previous))
            } else {
                try db.run("DELETE FROM companies_fts WHERE rowid = ?", [.integer(rowid)])
            }
        }
        // Each row carries the company's size and export status for the totals that combine them with a facet,
        // and its rowid for a search's bitmap.
        let columns = facetColumns(company)
        for (kind, value) in facets(company) {
            try db.run(
                "INSERT INTO company_facets(company_id, kind, value, status, size, export_status, company_rowid) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [.text(company.id), .text(kind), .text(value), .text(status)] + columns + [.integer(rowid)])
        }
        try indexText(db, rowid: rowid, company)
    }

    /// Adds a company to the full-text index (also used to rebuild it after a copy between engines).
    static func indexText(_ db: any SQLDatabase, rowid: Int64, _ company: Records.Company) throws {
        if db.dialect == .sqlite {
            try db.run(
                "INSERT INTO companies_fts(rowid, name, short_name, name_en, notes, tags) VALUES (?, ?, ?, ?, ?, ?)",
                [.integer(rowid)] + ftsColumns(company))
        } else {
            // The words FTS5's unicode61 tokenizer would index, folded the same way, as one tsvector.
            let text = [company.name, company.shortName, company.nameEn, company.notes, tags(company)]
                .compactMap { $0 }.joined(separator: " ")
            try db.run(
                "INSERT INTO companies_fts(rowid, doc) VALUES (?, to_tsvector('simple', ?))",
                [.integer(rowid), .text(TextFold.fold(text))])
        }
    }

    /// The multi-valued filter fields as (kind, value) pairs, without repeats.
    private static func facets(_ c: Records.Company) -> [(String, String)] {
        var out: [(String, String)] = []
        for (kind, values) in [
            ("targetMarket", c.targetMarkets), ("okved", c.okved), ("hsCode", c.hsCodes), ("tag", c.tags),
        ] {
            var seen = Set<String>()
            for value in values ?? [] where seen.insert(value).inserted { out.append((kind, value)) }
        }
        return out
    }

    /// The size and export status as a facet row keys them: '' for none (key columns cannot be null).
    private static func facetColumns(_ c: Records.Company) -> [SQLValue] {
        [.text(c.size?.rawValue ?? ""), .text(c.exportStatus?.rawValue ?? "")]
    }

    private static func tags(_ c: Records.Company) -> String { (c.tags ?? []).joined(separator: " ") }

    /// The company's text in `companies_fts`'s column order (also what `CompanySearchProbe` indexes).
    static func ftsColumns(_ c: Records.Company) -> [SQLValue] {
        [.text(c.name), c.shortName.sqlValue, c.nameEn.sqlValue, c.notes.sqlValue, .text(tags(c))]
    }
}
