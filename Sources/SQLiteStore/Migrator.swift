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

    /// Each step runs in its own write transaction that reads the version under the write lock, so
    /// processes started together on a new file migrate once: the others wait, then find it done.
    public static func migrate(_ db: Connection, _ migrations: [Migration]) throws {
        let sorted = migrations.sorted { $0.version < $1.version }
        let latest = sorted.last?.version ?? 0
        while true {
            let done = try db.transaction { () throws -> Bool in
                let current = Int(try db.scalar("PRAGMA user_version") ?? 0)
                if current > latest { throw NewerDatabase(found: current, known: latest) }
                guard let next = sorted.first(where: { $0.version > current }) else { return true }
                try db.execute(next.sql)
                try db.execute("PRAGMA user_version = \(next.version)")
                return false
            }
            if done { return }
        }
    }

    public static func version(_ db: Connection) throws -> Int { Int(try db.scalar("PRAGMA user_version") ?? 0) }
}
