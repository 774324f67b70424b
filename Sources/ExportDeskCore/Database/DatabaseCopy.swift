import JSON
import Storage

/// Copies a whole programme from one database to another, on either engine (`exportdesk migrate-db`): every
/// table's rows with their keys (change-log `seq`s, rowids, tokens, idempotency keys), then the full-text
/// and word indexes rebuilt on the target, then a count and a checksum per table compared on both sides.
public enum DatabaseCopy {
    /// The tables that hold data, in an order that satisfies references; the full-text index is rebuilt.
    public static let tables = [
        "changes", "idempotency", "tokens", "staff", "companies", "company_facets", "company_counts",
        "requests", "events", "participations", "strategies", "institutions", "agreements", "offers",
        "students", "placements", "record_counts",
    ]

    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    /// One table's result: rows copied and the checksum both sides agree on.
    public struct TableResult: Sendable {
        public let table: String
        public let rows: Int64
        public let checksum: UInt64
    }

    /// Rows of every table, for a progress bar's total.
    public static func rowCounts(_ store: any DataStore) async throws -> [String: Int64] {
        try await store.read { db in
            var counts: [String: Int64] = [:]
            for t in tables { counts[t] = try db.scalar("SELECT count(*) FROM \(t)") ?? 0 }
            return counts
        }
    }

    public static func copy(
        from source: any DataStore, to target: any DataStore,
        progress: (String, Int64, Int64) -> Void
    ) async throws -> [TableResult] {
        let existing = try await rowCounts(target).filter { $0.value > 0 }
        guard existing.isEmpty else {
            throw Refused(
                description:
                    "the target is not empty (\(existing.keys.sorted().joined(separator: ", ")) hold rows); copy into a new database"
            )
        }
        let counts = try await rowCounts(source)
        var results: [TableResult] = []
        for table in tables {
            let columns = try await source.read { db in try Self.columns(db, table) }
            let list = columns.joined(separator: ", ")
            let placeholders = columns.map { _ in "?" }.joined(separator: ", ")
            let total = counts[table] ?? 0
            var done: Int64 = 0
            var after: SQLValue?
            let key = columns[0]
            // Pages by the first column (a unique key in every table but the facet, idempotency and count
            // tables, which are read whole: they are small, one row per value or per remembered request).
            let keyed = !["company_facets", "idempotency", "company_counts", "record_counts"].contains(table)
            repeat {
                let cursor = after
                let page: [[SQLValue]] = try await source.read { db in
                    var rows: [[SQLValue]] = []
                    let sql =
                        keyed
                        ? "SELECT \(list) FROM \(table)\(cursor == nil ? "" : " WHERE \(key) > ?") ORDER BY \(key) LIMIT 2000"
                        : "SELECT \(list) FROM \(table)"
                    try db.query(sql, cursor.map { [$0] } ?? []) { row in
                        rows.append((0..<Int32(columns.count)).map { row.value($0) })
                    }
                    return rows
                }
                if page.isEmpty { break }
                try await target.write { db in
                    for row in page { try db.run("INSERT INTO \(table)(\(list)) VALUES (\(placeholders))", row) }
                }
                done += Int64(page.count)
                after = page.last?[0]
                progress(table, done, total)
            } while keyed
            results.append(TableResult(table: table, rows: done, checksum: 0))
        }
        try await target.write { db in try finish(db) }
        // Verification: the same count and checksum on both sides, read back from the databases.
        var verified: [TableResult] = []
        for table in tables {
            let (n1, c1) = try await source.read { db in try checksum(db, table) }
            let (n2, c2) = try await target.read { db in try checksum(db, table) }
            guard n1 == n2, c1 == c2 else {
                throw Refused(
                    description:
                        "verification failed for \(table): \(n1) rows (checksum \(c1)) in the source, \(n2) (checksum \(c2)) in the target"
                )
            }
            verified.append(TableResult(table: table, rows: n2, checksum: c2))
        }
        return verified
    }

    /// The target's full-text index from its companies, its word index from the records' `text_key`s, and its
    /// key counters past the copied keys.
    private static func finish(_ db: any SQLDatabase) throws {
        var companies: [(Int64, String)] = []
        try db.query("SELECT rowid, data FROM companies") { row in companies.append((row.int64(0), row.text(1) ?? "{}"))
        }
        for (rowid, data) in companies {
            guard let record = (try? JSONParser.parse(data))?.objectValue else { continue }
            try CompanyIndex.indexText(db, rowid: rowid, try CompanyRepository.records.typed(record))
        }
        try db.execute(WordIndex.backfillSQL(db.dialect))
        guard db.dialect == .postgresql else { return }
        for table in tables {
            let key = table == "changes" ? "seq" : "rowid"
            guard
                try db.scalar(
                    "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?",
                    [.text(table), .text(key)]) == 1
            else { continue }
            try db.run(
                "SELECT setval(pg_get_serial_sequence('\(table)', '\(key)'), coalesce(max(\(key)), 0) + 1, false) FROM \(table)"
            )
        }
    }

    static func columns(_ db: any SQLDatabase, _ table: String) throws -> [String] {
        var names: [String] = []
        let sql =
            db.dialect == .sqlite
            ? "SELECT name FROM pragma_table_info(?) ORDER BY cid"
            : "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"
        try db.query(sql, [.text(table)]) { names.append($0.text(0) ?? "") }
        return names
    }

    /// Count and FNV-1a of every value of the table, its rows in one order both engines agree on (keys are
    /// compared byte by byte on both: COLLATE "C" on PostgreSQL).
    static func checksum(_ db: any SQLDatabase, _ table: String) throws -> (Int64, UInt64) {
        let columns = try Self.columns(db, table).sorted()
        let lead =
            [
                "changes": "seq", "company_facets": "company_id, kind, value", "idempotency": "actor, key",
                "company_counts": "status, size, export_status", "tokens": "id", "record_counts": "entity, value",
            ][table] ?? "rowid"
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var rows: Int64 = 0
        func mix(_ bytes: some Sequence<UInt8>) { for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 } }
        try db.query("SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(lead)") { row in
            rows += 1
            for i in 0..<Int32(columns.count) {
                switch row.value(i) {
                case .null: mix([0])
                case .integer(let v):
                    mix([1])
                    mix(String(v).utf8)
                case .real(let v):
                    mix([2])
                    mix("\(v)".utf8)
                case .text(let t):
                    mix([3])
                    mix(t.utf8)
                case .blob(let b):
                    mix([4])
                    mix(b)
                }
                mix([255])
            }
        }
        return (rows, hash)
    }
}
