/// One schema step: applied once, in its own transaction, recorded in `PRAGMA user_version`.
public struct Migration: Sendable {
    public let version: Int
    public let sql: String
    public init(version: Int, sql: String) {
        self.version = version
        self.sql = sql
    }
}

/// Brings a database forward to the newest migration; refuses one written by a newer ExportDesk.
public enum Migrator {
    public struct NewerDatabase: Error, CustomStringConvertible {
        public let found: Int
        public let known: Int
        public var description: String {
            "the database has schema version \(found), but this exportdesk knows only up to \(known): it was written by a newer ExportDesk; use that version or a backup"
        }
    }

    public static func migrate(_ db: Connection, _ migrations: [Migration]) throws {
        let sorted = migrations.sorted { $0.version < $1.version }
        let latest = sorted.last?.version ?? 0
        let current = Int(try db.scalar("PRAGMA user_version") ?? 0)
        if current > latest { throw NewerDatabase(found: current, known: latest) }
        for m in sorted where m.version > current {
            try db.transaction {
                try db.execute(m.sql)
                try db.execute("PRAGMA user_version = \(m.version)")
            }
        }
    }

    public static func version(_ db: Connection) throws -> Int { Int(try db.scalar("PRAGMA user_version") ?? 0) }
}
