import Glibc
import Storage

/// One libpq connection with a cache of prepared statements. Not Sendable: each lives on one thread.
public final class PGConnection: SQLDatabase {
    public var dialect: SQLDialect { .postgresql }
    let handle: LibPQ.Conn
    private let pq: LibPQ
    private var prepared: [String: String] = [:]
    private var isClosed = false
    public private(set) var changes = 0
    public private(set) var totalChanges: Int64 = 0
    /// The transaction-level advisory lock every write transaction takes: writes of all instances on one
    /// programme run one at a time, as SQLite's single writer does (see the README). Keyed by the schema,
    /// so that programmes in separate schemas of one database do not wait for each other.
    static let writeLock = "pg_advisory_xact_lock(1163412563, hashtext(current_schema()))"  // 1163412563 = "EXDS"

    public init(conninfo: String) throws {
        pq = try LibPQ.get()
        guard let conn = pq.connectdb(conninfo) else {
            throw PostgresError(sqlState: "08001", message: "libpq could not allocate a connection")
        }
        guard pq.status(conn) == LibPQ.connectionOK else {
            let message = pq.errorMessage(conn).map { String(cString: $0).trimmed } ?? "cannot connect"
            pq.finish(conn)
            throw PostgresError(
                sqlState: "08001", message: "cannot connect to PostgreSQL: \(message.replacingNewlines)")
        }
        handle = conn
        // Notices ("relation already exists, skipping") are not for the user's terminal.
        _ = pq.setNoticeProcessor(conn, { _, _ in }, nil)
        try execute("SET client_encoding TO 'UTF8'; SET standard_conforming_strings TO on")
    }

    deinit { close() }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        pq.finish(handle)
    }

    /// The server's version as `major.minor`.
    public var serverVersion: String {
        let v = Int(pq.serverVersion(handle))
        return v >= 100_000 ? "\(v / 10_000).\(v % 10_000)" : "\(v / 10_000).\(v / 100 % 100).\(v % 100)"
    }

    public var inTransaction: Bool {
        let s = pq.transactionStatus(handle)
        return s != LibPQ.transIdle && s != LibPQ.transUnknown
    }

    /// The socket, for waiting on notifications.
    var socket: Int32 { pq.socket(handle) }

    public func execute(_ sql: String) throws {
        try check(pq.exec(handle, sql), sql: sql) { _ in }
    }

    public func query(_ sql: String, _ values: [SQLValue], row: (any SQLRow) throws -> Void) throws {
        let result = try perform(sql, values)
        defer { pq.clear(result) }
        let count = pq.ntuples(result)
        var i: Int32 = 0
        while i < count {
            try row(PGRow(result: result, row: i))
            i += 1
        }
    }

    public func run(_ sql: String, _ values: [SQLValue]) throws {
        pq.clear(try perform(sql, values))
    }

    public func beginWrite() throws { try execute("BEGIN; SELECT \(Self.writeLock)") }
    /// Wakes the change feeds of every instance (LISTEN exportdesk_changes) when this transaction wrote.
    public func commit() throws { try execute("NOTIFY exportdesk_changes; COMMIT") }
    public func rollback() throws { try execute("ROLLBACK") }

    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT request")
        do {
            let result = try body()
            try execute("RELEASE request")
            return result
        } catch {
            if inTransaction {
                try? execute("ROLLBACK TO request")
                try? execute("RELEASE request")
            }
            throw error
        }
    }

    /// Runs a prepared statement (prepared once per connection), returning its result to clear.
    private func perform(_ sql: String, _ values: [SQLValue]) throws -> LibPQ.Result {
        let name: String
        if let known = prepared[sql] {
            name = known
        } else {
            name = "s\(prepared.count + 1)"
            try check(pq.prepare(handle, name, Placeholders.postgres(sql), 0, nil), sql: sql) { _ in }
            prepared[sql] = name
        }
        let texts: [String?] = values.map(Self.text)
        // libpq takes text parameters as C strings: a U+0000 would cut the value short without a word, and
        // PostgreSQL's text cannot hold it anyway. Refused, never truncated.
        if texts.contains(where: { $0?.utf8.contains(0) == true }) {
            throw PostgresError(
                sqlState: "22021", message: "a text value contains U+0000, which PostgreSQL cannot store", sql: sql)
        }
        let lengths = texts.map { Int32($0?.utf8.count ?? 0) }
        let result = withCStrings(texts) { pointers in
            pq.execPrepared(handle, name, Int32(values.count), pointers, lengths, nil, 0)
        }
        var kept: LibPQ.Result?
        try check(result, sql: sql) { kept = $0 }
        return kept!
    }

    /// Checks a result; on success hands it to `keep` (which then owns it), else clears it and throws.
    private func check(_ result: LibPQ.Result?, sql: String, keep: (LibPQ.Result) -> Void) throws {
        guard let result else { throw lost(sql: sql) }
        let status = pq.resultStatus(result)
        guard status == LibPQ.commandOK || status == LibPQ.tuplesOK else {
            let field = { [pq] (code: Int32) in pq.resultErrorField(result, code).map { String(cString: $0) } }
            let error = PostgresError(
                sqlState: field(LibPQ.diagSQLState) ?? "XX000",
                message: field(LibPQ.diagMessage) ?? String(cString: pq.errorMessage(handle)!).trimmed,
                detail: field(LibPQ.diagDetail), sql: sql)
            pq.clear(result)
            totalChanges += 1
            if pq.status(handle) != LibPQ.connectionOK { recover() }
            throw error
        }
        changes = pq.cmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        totalChanges += Int64(changes)
        keep(result)
    }

    private func lost(sql: String) -> PostgresError {
        let message = pq.errorMessage(handle).map { String(cString: $0).trimmed } ?? "connection lost"
        totalChanges += 1
        recover()
        return PostgresError(sqlState: "08006", message: message.replacingNewlines, sql: sql)
    }

    /// A broken connection is reopened for the next call (its prepared statements are gone with it).
    private func recover() {
        guard pq.status(handle) != LibPQ.connectionOK else { return }
        pq.reset(handle)
        prepared.removeAll()
        if pq.status(handle) == LibPQ.connectionOK {
            _ = try? execute("SET client_encoding TO 'UTF8'")
        }
    }

    static func text(_ value: SQLValue) -> String? {
        switch value {
        case .null: return nil
        case .integer(let v): return String(v)
        case .real(let v): return "\(v)"
        case .text(let s): return s
        case .blob(let b):
            let digits = Array("0123456789abcdef".utf8)
            var out = [UInt8]("\\x".utf8)
            for byte in b {
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 15)])
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

/// Passes Swift strings to C as one NUL-separated buffer and pointers into it (nil for SQL NULL).
private func withCStrings<R>(_ texts: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    guard !texts.isEmpty else { return body(nil) }
    var buffer: [CChar] = []
    var offsets: [Int?] = []
    for t in texts {
        guard let t else {
            offsets.append(nil)
            continue
        }
        offsets.append(buffer.count)
        buffer.append(contentsOf: t.utf8.map { CChar(bitPattern: $0) })
        buffer.append(0)
    }
    return buffer.withUnsafeBufferPointer { base in
        let pointers: [UnsafePointer<CChar>?] = offsets.map { $0.map { base.baseAddress! + $0 } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

extension String {
    var replacingNewlines: String { split(whereSeparator: \.isNewline).joined(separator: " ") }
}
