import ExportDeskSchemas
import JSON
import SQLiteStore
import Storage

/// Whether a few companies match a full-text query now, asked of FTS5 itself: their indexed text goes into a
/// table made by the same definition as `companies_fts` in the thread's own in-memory database, and the
/// query runs there. The companies index would expand a prefix over its whole doclist even for one rowid
/// (2–3 ms for `прибор` at the 100× demo); a handful of documents take microseconds. Same tokenizer, same
/// query syntax, same library: the answer is the one `companies_fts` gives for those companies.
enum CompanySearchProbe {
    /// One in-memory database per thread (the reader pool's and the I/O threads', so a bounded number).
    private static let scratch = ThreadConnections()

    /// The rowids among `rowids` whose company matches `match` (an FTS5 query) in `db`'s snapshot.
    static func matches(_ db: any SQLDatabase, _ rowids: [Int64], _ match: String) throws -> [Int64] {
        var documents: [(Int64, [SQLValue])] = []
        try db.query(
            "SELECT rowid, data FROM companies WHERE rowid IN (SELECT value FROM json_each(?))",
            [.jsonArray(rowids)]
        ) { row in
            let object = try row.withBytes(1) { try JSONParser.parse($0) }.objectValue ?? JSONObject()
            documents.append((row.int64(0), CompanyIndex.ftsColumns(try CompanyRepository.records.typed(object))))
        }
        guard !documents.isEmpty else { return [] }
        let definition = try tableDefinition(db)
        return try scratch.with(open: { try Connection(path: ":memory:") }) { probe in
            try prepare(probe, definition)
            try probe.execute("BEGIN")
            defer { try? probe.execute("ROLLBACK") }
            for (rowid, columns) in documents {
                try probe.run(
                    "INSERT INTO probe(rowid, name, short_name, name_en, notes, tags) VALUES (?, ?, ?, ?, ?, ?)",
                    [.integer(rowid)] + columns)
            }
            return try probe.integers("SELECT rowid FROM probe WHERE probe MATCH ?", [.text(match)])
        }
    }

    /// `companies_fts`'s own definition, renamed `probe`: whatever tokenizer a migration gives it, the probe has.
    private static func tableDefinition(_ db: any SQLDatabase) throws -> String {
        var sql: String?
        try db.query("SELECT sql FROM sqlite_master WHERE name = 'companies_fts'", []) { sql = $0.text(0) }
        guard let sql, let name = sql.range(of: "companies_fts") else { throw DomainError.internalError }
        return sql.replacingCharacters(in: name, with: "probe")
    }

    /// Makes the scratch database's `probe` table by `definition`, unless it has it already.
    private static func prepare(_ probe: any SQLDatabase, _ definition: String) throws {
        var current: String?
        try probe.query("SELECT sql FROM sqlite_master WHERE name = 'probe'", []) { current = $0.text(0) }
        guard current != definition else { return }
        if current != nil { try probe.execute("DROP TABLE probe") }
        try probe.execute(definition)
    }
}
