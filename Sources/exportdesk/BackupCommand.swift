import ExportDeskCore
import ExportDeskServer
import Foundation
import SQLiteStore
import Storage

/// `exportdesk backup --db PATH TARGET`: a consistent copy with SQLite's online backup API; safe while a
/// server is running on the same database.
enum BackupCommand {
    static func run(_ args: ArraySlice<String>) throws -> Int32 {
        let a = try Arguments(args, valued: ["db"], flags: [])
        guard a.positionals.count == 1 else {
            throw Arguments.UsageError(description: "backup needs exactly one TARGET file")
        }
        let source = a.value("db") ?? ProcessInfo.processInfo.environment["EXPORTDESK_DB"] ?? "./exportdesk.sqlite"
        let target = a.positionals[0]
        if Engines.isPostgreSQL(source) {
            printError(
                "exportdesk: backup copies SQLite databases; back up a PostgreSQL database with pg_dump (pg_dump -Fc -f FILE DBNAME)"
            )
            return 1
        }
        guard FileManager.default.fileExists(atPath: source) else {
            printError("exportdesk: no database at \(source)")
            return 1
        }
        guard !FileManager.default.fileExists(atPath: target) else {
            printError("exportdesk: \(target) already exists; a backup never overwrites")
            return 1
        }
        do {
            let db = try Connection(path: source)
            try db.execute("PRAGMA query_only=1")
            try db.backup(to: target)
            print(target)
            return 0
        } catch {
            printError("exportdesk: backup failed: \(error)")
            return 1
        }
    }
}
