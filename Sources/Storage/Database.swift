/// The SQL an engine speaks where the two engines differ; repositories ask it instead of naming an engine.
public enum SQLDialect: Sendable, Equatable {
    case sqlite
    case postgresql

    /// The JSON value at `path` (dot-separated keys) of the JSON text in `column`, as SQL text or number.
    public func json(_ column: String, _ path: String) -> String {
        switch self {
        case .sqlite: return "json_extract(\(column), '$.\(path)')"
        case .postgresql: return "(\(column)::jsonb #>> '{\(path.split(separator: ".").joined(separator: ","))}')"
        }
    }

    /// A JSON number at `path` as an integer SQL expression (null when absent).
    public func jsonInteger(_ column: String, _ path: String) -> String {
        switch self {
        case .sqlite: return json(column, path)
        case .postgresql: return "(\(json(column, path)))::numeric::bigint"
        }
    }

    /// A table of the elements of the JSON array at `key` of `column`, named `alias`, with a `value` column.
    public func jsonEach(_ column: String, _ key: String, as alias: String) -> String {
        switch self {
        case .sqlite: return "json_each(\(column), '$.\(key)') \(alias)"
        case .postgresql: return "jsonb_array_elements(\(column)::jsonb -> '\(key)') AS \(alias)(value)"
        }
    }

    /// True when `needle` occurs in `haystack` (both SQL expressions).
    public func contains(_ haystack: String, _ needle: String) -> String {
        switch self {
        case .sqlite: return "instr(\(haystack), \(needle)) > 0"
        case .postgresql: return "strpos(\(haystack), \(needle)) > 0"
        }
    }

    /// SQLite's `INDEXED BY` hint where its planner picks a worse index; PostgreSQL plans by statistics.
    public func indexedBy(_ index: String) -> String { self == .sqlite ? " INDEXED BY \(index)" : "" }

    /// A join that SQLite must not reorder (its `CROSS JOIN`); PostgreSQL plans it itself.
    /// A column in a condition the engine must not drive from an index (SQLite's unary `+`): for a filter
    /// that matches most rows, walking the sort order and testing it beats reading the filter's index and
    /// sorting every match. PostgreSQL's planner weighs this from its statistics.
    public func unindexed(_ column: String) -> String { self == .sqlite ? "+\(column)" : column }

    public var fixedOrderJoin: String { self == .sqlite ? "CROSS JOIN" : "JOIN" }
}

/// One row of a result, read by column index; valid only inside the row callback.
public protocol SQLRow {
    func isNull(_ column: Int32) -> Bool
    func int64(_ column: Int32) -> Int64
    func double(_ column: Int32) -> Double
    func text(_ column: Int32) -> String?
    func blob(_ column: Int32) -> [UInt8]
    /// The column as a value of its stored type (for copying rows between engines).
    func value(_ column: Int32) -> SQLValue
    /// The column's UTF-8 bytes without building a String (for JSON stored as text).
    func withBytes<R>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R
}

/// A connection to either engine, as repositories see it. Not Sendable: each lives on one thread.
/// Parameters are written `?` or `?N` in either dialect.
public protocol SQLDatabase: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs statements with no parameters and no rows (schema, transaction control).
    func execute(_ sql: String) throws
    /// Runs `sql` with `values`, calling `row` for each result row.
    func query(_ sql: String, _ values: [SQLValue], row: (any SQLRow) throws -> Void) throws
    /// Runs a statement that returns no rows.
    func run(_ sql: String, _ values: [SQLValue]) throws
    /// The first column of every row, as integers: for reading many keys without a call per row.
    func integers(_ sql: String, _ values: [SQLValue]) throws -> [Int64]
    /// Rows changed by the last statement.
    var changes: Int { get }
    /// A counter that moves whenever this connection changed rows or failed a statement: the writer uses
    /// it to tell a request that failed having written nothing from one that must be undone.
    var totalChanges: Int64 { get }
    /// False once the engine has ended the transaction on its own.
    var inTransaction: Bool { get }
    /// Starts the write transaction of a batch (it holds the engine's write lock until commit).
    func beginWrite() throws
    func commit() throws
    func rollback() throws
    /// Runs `body` inside a savepoint; on error rolls back to it (the enclosing transaction survives).
    func savepoint<T>(_ body: () throws -> T) throws -> T
    /// Closes the connection; idempotent.
    func close()
}

extension SQLDatabase {
    public func query(_ sql: String, row: (any SQLRow) throws -> Void) throws { try query(sql, [], row: row) }
    public func run(_ sql: String) throws { try run(sql, []) }

    public func integers(_ sql: String, _ values: [SQLValue]) throws -> [Int64] {
        var out: [Int64] = []
        try query(sql, values) { out.append($0.int64(0)) }
        return out
    }

    /// The first column of the first row as an integer (nil when there is no row or it is null).
    public func scalar(_ sql: String, _ values: [SQLValue] = []) throws -> Int64? {
        var result: Int64?
        var first = true
        try query(sql, values) { row in
            if first {
                result = row.isNull(0) ? nil : row.int64(0)
                first = false
            }
        }
        return result
    }

    /// Runs an INSERT and answers the new row's `rowid`. SQLite asks `last_insert_rowid()`: its RETURNING
    /// buffers the row in an ephemeral table, which doubled the cost of a companies.create. PostgreSQL
    /// answers `RETURNING rowid` in the same round trip.
    public func insertReturningRowid(_ sql: String, _ values: [SQLValue]) throws -> Int64 {
        switch dialect {
        case .sqlite:
            try run(sql, values)
            return try scalar("SELECT last_insert_rowid()") ?? 0
        case .postgresql:
            return try scalar(sql + " RETURNING rowid", values) ?? 0
        }
    }

    /// Runs several reads in one read transaction, so they see one state of the database: a list's page and its
    /// total agree while writes go on. Inside a transaction already, `body` simply runs in it.
    public func readSnapshot<T>(_ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        try execute(dialect == .sqlite ? "BEGIN DEFERRED" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if inTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// A transaction of its own (a migration step, a tool's batch), rolled back on any error.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try beginWrite()
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            if inTransaction { try? rollback() }
            throw error
        }
    }
}
