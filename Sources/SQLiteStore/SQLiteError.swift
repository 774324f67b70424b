import CSQLite
import Foundation
import Storage

/// A failed SQLite call: the extended result code, SQLite's message, and the SQL when there was one.
public struct SQLiteError: StorageFailure, Sendable {
    public let code: Int32
    public let extendedCode: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, extendedCode: Int32? = nil, message: String, sql: String? = nil) {
        self.code = code & 0xFF
        self.extendedCode = extendedCode ?? code
        self.message = message
        self.sql = sql
    }

    public var description: String {
        "SQLite error \(extendedCode) (\(String(cString: sqlite3_errstr(extendedCode)))): \(message)"
            + (sql.map { " — in: \($0)" } ?? "")
    }

    /// Errors that mean the storage cannot take writes now (disk full, read-only, locked past the timeout,
    /// I/O failure) rather than a bug or a constraint: SPEC §2's STORAGE_UNAVAILABLE.
    public var isStorageUnavailable: Bool {
        [
            SQLITE_FULL, SQLITE_READONLY, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_PERM,
            SQLITE_NOMEM,
        ].contains(code)
    }

    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }

    /// (SQLITE_CONSTRAINT_UNIQUE is a macro the importer does not bring over.)
    /// For a unique index that fired ("UNIQUE constraint failed: staff.email_key"), the record field it
    /// keys, in the API's words: `email_key` → `email`, `ext_system, ext_id` → `externalRef`.
    public var uniqueField: String? {
        guard extendedCode == SQLITE_CONSTRAINT | (8 << 8), let colon = message.range(of: "failed: ") else {
            return nil
        }
        let columns = message[colon.upperBound...].split(separator: ",").map {
            $0.split(separator: ".").last.map(String.init) ?? ""
        }
        return Self.field(ofColumns: columns)
    }

    /// A sentence for the client, naming the condition without internals.
    public var userMessage: String {
        switch code {
        case SQLITE_FULL: return "the disk holding the database is full; nothing was written"
        case SQLITE_READONLY: return "the database is read-only; nothing was written"
        case SQLITE_BUSY, SQLITE_LOCKED: return "the database stayed locked past the timeout; nothing was written"
        case SQLITE_IOERR: return "the database could not be read or written (I/O error); nothing was written"
        case SQLITE_CANTOPEN, SQLITE_PERM: return "the database file cannot be opened"
        default: return "storage error \(extendedCode)"
        }
    }
}
