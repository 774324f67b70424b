import Storage

/// The word index of simple entities (`record_words`, migration 15): one row per distinct word of a record's
/// `text_key`, kept by `RecordTable` on every write. A rare word of `q` is then a range of this key: a `LIKE`
/// over every row read all 40,000 students of the 100× demo (80 ms) to find none.
enum WordIndex {
    /// The distinct words of a `text_key` (space-separated, already folded by `TextIndex.words`).
    static func words(_ textKey: String) -> Set<Substring> {
        Set(textKey.split(separator: " "))
    }

    /// Moves the record's rows from the words of `old` to those of `new` (an insert has no `old`).
    static func update(_ db: any SQLDatabase, table: String, rowid: Int64, old: String?, new: String) throws {
        let before = old.map(words) ?? []
        let after = words(new)
        for word in before.subtracting(after) {
            try db.run(
                "DELETE FROM record_words WHERE entity = ? AND word = ? AND record_rowid = ?",
                [.text(table), .text(String(word)), .integer(rowid)])
        }
        for word in after.subtracting(before) {
            try db.run(
                "INSERT INTO record_words(entity, word, record_rowid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [.text(table), .text(String(word)), .integer(rowid)])
        }
    }

    /// A word of `q` as a condition on the table's rows, for the page and for the total. A word starting fewer
    /// than `denseLimit` words of the table is read from the index. On SQLite a common one up to `readLimit`
    /// entries is read once into a bitmap (`rowset_contains`) that the page tests as it walks its sort order;
    /// `set` then holds those records, which is the total when no other filter is given. Beyond that, or on PostgreSQL, the page
    /// walks the sort order testing `text_key` (the first matches come soon), while the total counts index
    /// entries. Testing `text_key` read each row: 7.7 ms for a page of `софья` among 40,000 students.
    static func conditions(
        _ db: any SQLDatabase, table: String, word: String
    ) throws -> (page: (String, [SQLValue]), count: (String, [SQLValue]), set: RowSet?) {
        let range: [SQLValue] = [.text(table), .text(word), .text(word + "\u{10FFFF}")]
        let entries = "SELECT record_rowid FROM record_words WHERE entity = ? AND word >= ? AND word < ?"
        let indexed = ("rowid IN (\(entries))", range)
        if db.dialect == .sqlite {
            let rowids = try db.integers("\(entries) LIMIT \(readLimit + 1)", range)
            if rowids.count < denseLimit {
                // The few entries just read drive the page and the total, instead of a second read of the index.
                let listed = (
                    "rowid IN (SELECT value FROM json_each(?))",
                    [SQLValue.jsonArray(rowids)]
                )
                return (listed, listed, nil)
            }
            if rowids.count <= readLimit, let set = RowSet(rowids) {
                // A total beside other filters still drives from the index entries: a bitmap would be tested
                // against every row those filters keep (23 ms for `софья` with a course, from 13 ms).
                return (("rowset_contains(?, rowid)", [.blob(set.bytes)]), indexed, set)
            }
        } else {
            let common =
                try db.scalar("SELECT count(*) FROM (\(entries) LIMIT \(denseLimit)) AS m", range) ?? 0 >= denseLimit
            if !common { return (indexed, indexed, nil) }
        }
        return (("text_key LIKE ?", [.text("% " + word + "%")]), indexed, nil)
    }

    /// How many index entries of a common word SQLite reads into a bitmap before it tests `text_key` instead.
    static let readLimit = 20_000

    /// How many index entries make a word common.
    static let denseLimit = 1000

    /// Fills `record_words` from every `text_key` of `tables` (migration 15, and after a copy between engines).
    static func backfillSQL(_ dialect: SQLDialect, tables: [String] = indexedTables) -> String {
        tables.map { table in
            switch dialect {
            case .sqlite:
                // text_key is " w1 w2 … ": peel one word at a time.
                return """
                    INSERT OR IGNORE INTO record_words(entity, word, record_rowid)
                    WITH RECURSIVE split(rowid, word, rest) AS (
                        SELECT rowid, '', substr(text_key, 2) FROM \(table)
                        UNION ALL
                        SELECT rowid, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
                        FROM split WHERE instr(rest, ' ') > 0)
                    SELECT '\(table)', word, rowid FROM split WHERE word <> '';
                    """
            case .postgresql:
                return """
                    INSERT INTO record_words(entity, word, record_rowid)
                    SELECT DISTINCT '\(table)', w, t.rowid FROM \(table) t, unnest(string_to_array(t.text_key, ' ')) AS w
                    WHERE w <> '' ON CONFLICT DO NOTHING;
                    """
            }
        }.joined(separator: "\n")
    }

    /// The tables with a `text_key`.
    static let indexedTables = ["requests", "events", "institutions", "offers", "students"]
}
