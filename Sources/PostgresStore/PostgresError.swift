import Storage

/// A failed PostgreSQL call: its SQLSTATE, the server's message and detail, and the SQL when there was one.
public struct PostgresError: StorageFailure, Sendable {
    public let sqlState: String
    public let message: String
    public let detail: String?
    public let sql: String?

    public init(sqlState: String, message: String, detail: String? = nil, sql: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.sql = sql
    }

    public var description: String {
        "PostgreSQL error \(sqlState): \(message)" + (detail.map { " (\($0))" } ?? "")
            + (sql.map { " — in: \($0)" } ?? "")
    }

    /// Connection failures (08), too many connections or a full disk (53), the server shutting down (57P),
    /// a read-only server (25006) and a lock or statement timeout (55P03, 57014).
    public var isStorageUnavailable: Bool {
        sqlState.hasPrefix("08") || sqlState.hasPrefix("53") || sqlState.hasPrefix("57P") || sqlState == "25006"
            || sqlState == "55P03" || sqlState == "57014"
    }

    /// unique_violation (23505), whose detail reads `Key (email_key)=(…) already exists.`
    public var uniqueField: String? {
        guard sqlState == "23505", let detail, let open = detail.range(of: "Key ("),
            let close = detail.range(of: ")=", range: open.upperBound..<detail.endIndex)
        else { return nil }
        let columns = detail[open.upperBound..<close.lowerBound].split(separator: ",").map { String($0).trimmed }
        return Self.field(ofColumns: columns)
    }

    public var unstorableValue: String? {
        sqlState == "22021" || sqlState == "22P05"
            ? "a text value contains a character PostgreSQL cannot store (U+0000); nothing was written" : nil
    }

    public var userMessage: String {
        if sqlState.hasPrefix("08") { return "the PostgreSQL server cannot be reached; nothing was written" }
        if sqlState == "53100" { return "the disk holding the database is full; nothing was written" }
        if sqlState.hasPrefix("53") {
            return "the PostgreSQL server is out of resources (\(message)); nothing was written"
        }
        if sqlState.hasPrefix("57P") { return "the PostgreSQL server is shutting down; nothing was written" }
        if sqlState == "25006" { return "the database is read-only (a standby?); nothing was written" }
        if sqlState == "55P03" || sqlState == "57014" {
            return "the database stayed locked past the timeout; nothing was written"
        }
        return "storage error \(sqlState)"
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
