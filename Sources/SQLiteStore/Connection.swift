import CSQLite
import Storage

/// One SQLite connection with a statement cache. Not Sendable: each connection lives on one thread
/// (the writer's, or one reader's).
public final class Connection: SQLDatabase {
    public var dialect: SQLDialect { .sqlite }
    let handle: OpaquePointer
    public let path: String
    private var cache: [String: Statement] = [:]
    private var isClosed = false

    /// Process-wide SQLite settings, applied once before the first connection opens.
    private static let configured: Int32 = exportdesk_configure_sqlite()

    public init(path: String, readOnly: Bool = false, busyTimeoutMillis: Int32 = 5000) throws(SQLiteError) {
        _ = Self.configured
        var db: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: "\(message): \(path)")
        }
        // Before the handle is owned: a throw here must close it once, and deinit would close it again.
        let registered = exportdesk_register_functions(db)
        guard registered == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(db))
            sqlite3_close_v2(db)
            throw SQLiteError(code: registered, message: "\(message): \(path)")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMillis)
    }

    deinit { close() }

    /// Finalizes the statements and closes the handle; idempotent. The last connection to close in WAL mode
    /// checkpoints and removes the -wal and -shm files.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        SQLiteError(
            code: rc, extendedCode: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)),
            sql: sql)
    }

    /// Runs one or more statements with no parameters and no rows (schema, pragmas, transaction control).
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: rc, extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// A cached prepared statement for `sql`.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        if let s = cache[sql] { return s }
        let s = try Statement(connection: self, sql: sql)
        cache[sql] = s
        return s
    }

    /// Runs `sql` with `values`, calling `row` for each result row.
    public func query(_ sql: String, _ values: [SQLValue], row: (any SQLRow) throws -> Void) throws {
        let s = try prepare(sql)
        try s.bind(values)
        defer { sqlite3_reset(s.handle) }
        while try s.step() { try row(s) }
    }

    public func run(_ sql: String, _ values: [SQLValue]) throws {
        try prepare(sql).run(values)
    }

    /// Steps the statement directly: through `query` each row costs a closure call and a retained row
    /// (a quarter of reading 21,000 full-text matches).
    public func integers(_ sql: String, _ values: [SQLValue]) throws -> [Int64] {
        let s = try prepare(sql)
        try s.bind(values)
        defer { sqlite3_reset(s.handle) }
        var out: [Int64] = []
        while try s.step() { out.append(sqlite3_column_int64(s.handle, 0)) }
        return out
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Rows inserted, updated or deleted on this connection since it opened.
    public var totalChanges: Int64 { sqlite3_total_changes64(handle) }

    /// False once SQLite has ended the transaction on its own (it rolls back on SQLITE_FULL, I/O errors…).
    public var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// BEGIN IMMEDIATE: takes the write lock now, so a batch never fails half-way on a busy upgrade.
    public func beginWrite() throws { try execute("BEGIN IMMEDIATE") }
    public func commit() throws { try execute("COMMIT") }
    public func rollback() throws { try execute("ROLLBACK") }

    /// Runs `body` inside a savepoint; on error rolls back to it (the enclosing transaction survives).
    /// The savepoint statements are prepared once and reused: the writer runs them for every request.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        let name = "request"
        try prepare("SAVEPOINT \(name)").run()
        do {
            let result = try body()
            try prepare("RELEASE \(name)").run()
            return result
        } catch {
            if inTransaction {
                try? prepare("ROLLBACK TO \(name)").run()
                try? prepare("RELEASE \(name)").run()
            }
            throw error
        }
    }

    /// Copies this database into `path` with SQLite's online backup API, step by step, so writers are not
    /// held up for the whole copy. The copy is a consistent snapshot, and it appears at `path` whole or not at
    /// all: it is written to a temporary file beside `path`, synced, linked into place (never replacing a file
    /// that exists) and the directory synced, so a crash mid-copy leaves no half-written backup behind.
    /// `isCancelled` is asked between steps; a cancelled backup leaves nothing and throws CancellationError.
    public func backup(
        to path: String, pagesPerStep: Int32 = 256, progress: ((Int, Int) -> Void)? = nil,
        isCancelled: () -> Bool = { false }
    ) throws {
        let staging = try BackupFile(target: path)
        defer { staging.discard() }
        do {
            let target = try Connection(path: staging.temporary)
            defer { target.close() }
            guard let b = sqlite3_backup_init(target.handle, "main", handle, "main") else {
                throw target.error(sqlite3_errcode(target.handle), sql: nil)
            }
            var rc: Int32
            repeat {
                rc = sqlite3_backup_step(b, pagesPerStep)
                progress?(
                    Int(sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b)), Int(sqlite3_backup_pagecount(b)))
                if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { sqlite3_sleep(5) }
                if isCancelled() { break }
            } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
            sqlite3_backup_finish(b)
            if rc != SQLITE_DONE && isCancelled() { throw CancellationError() }
            guard rc == SQLITE_DONE else { throw target.error(rc, sql: nil) }
        }
        try staging.commit()
    }
}
