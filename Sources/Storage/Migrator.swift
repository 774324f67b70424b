/// One schema step: applied once, in its own transaction, its number recorded in the database.
public struct Migration: Sendable {
    public let version: Int
    public let sql: String
    public init(version: Int, sql: String) {
        self.version = version
        self.sql = sql
    }
}

/// Brings a database forward to the newest migration; refuses one written by a newer ExportDesk.
/// SQLite keeps the level in `PRAGMA user_version`, PostgreSQL in the table `exportdesk_schema`.
public enum Migrator {
    public struct NewerDatabase: Error, CustomStringConvertible {
        public let found: Int
        public let known: Int
        public var description: String {
            "the database has schema version \(found), but this exportdesk knows only up to \(known): it was written by a newer ExportDesk; use that version or a backup"
        }
    }

    /// Each step runs in its own write transaction that reads the version under the write lock (SQLite's
    /// BEGIN IMMEDIATE, PostgreSQL's advisory lock), so processes started together migrate once: the
    /// others wait, then find it done.
    public static func migrate(_ db: any SQLDatabase, _ migrations: [Migration]) throws {
        let sorted = migrations.sorted { $0.version < $1.version }
        let latest = sorted.last?.version ?? 0
        while true {
            let done = try db.transaction { () throws -> Bool in
                if db.dialect == .postgresql {
                    try db.execute("CREATE TABLE IF NOT EXISTS exportdesk_schema(version INTEGER NOT NULL)")
                }
                let current = try version(db)
                if current > latest { throw NewerDatabase(found: current, known: latest) }
                guard let next = sorted.first(where: { $0.version > current }) else { return true }
                try db.execute(next.sql)
                switch db.dialect {
                case .sqlite: try db.execute("PRAGMA user_version = \(next.version)")
                case .postgresql:
                    try db.execute("DELETE FROM exportdesk_schema")
                    try db.execute("INSERT INTO exportdesk_schema(version) VALUES (\(next.version))")
                }
                return false
            }
            if done { return }
        }
    }

    /// The database's migration level (0 for a new one).
    public static func version(_ db: any SQLDatabase) throws -> Int {
        switch db.dialect {
        case .sqlite: return Int(try db.scalar("PRAGMA user_version") ?? 0)
        case .postgresql:
            let exists = try db.scalar(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'exportdesk_schema'"
            )
            guard exists == 1 else { return 0 }
            return Int(try db.scalar("SELECT max(version) FROM exportdesk_schema") ?? 0)
        }
    }
}
