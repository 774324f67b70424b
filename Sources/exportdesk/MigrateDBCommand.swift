import ExportDeskCore
import Foundation
import Storage

/// `exportdesk migrate-db --from LOCATION --to LOCATION`: copies a whole programme between engines (SQLite to
/// PostgreSQL or back) with a progress bar, then verifies a count and a checksum per table.
enum MigrateDBCommand {
    /// The CLI's entry point is synchronous: the copy runs in a task, and this thread waits for it.
    static func runBlocking(_ args: ArraySlice<String>) throws -> Int32 {
        try waitFor { try await run(args) }
    }

    static func run(_ args: ArraySlice<String>) async throws -> Int32 {
        let a = try Arguments(args, valued: ["from", "to"], flags: [])
        guard let from = a.value("from"), let to = a.value("to") else {
            throw Arguments.UsageError(
                description:
                    "migrate-db needs --from LOCATION and --to LOCATION (a .sqlite path or a postgresql:// URL)")
        }
        guard Engines.exists(from) else {
            printError("exportdesk: no database at \(from)")
            return 1
        }
        if !Engines.isPostgreSQL(to) && FileManager.default.fileExists(atPath: to) {
            printError("exportdesk: \(to) already exists; migrate-db copies into a new database only")
            return 1
        }
        do {
            let source = try Engines.open(from)
            defer { source.close() }
            let target = try Engines.open(to)
            defer { target.close() }
            let isTerminal = isatty(2) != 0
            var lastTable = ""
            let results = try await DatabaseCopy.copy(from: source, to: target) { table, done, total in
                let width = 30
                let filled = total == 0 ? width : Int(Double(done) / Double(max(total, 1)) * Double(width))
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: max(0, width - filled))
                let line = "\(table.padding(toLength: 15, withPad: " ", startingAt: 0)) [\(bar)] \(done)/\(total)"
                if isTerminal {
                    FileHandle.standardError.write(Data("\r\(line)".utf8))
                } else if table != lastTable || done == total {
                    FileHandle.standardError.write(Data("\(line)\n".utf8))
                }
                lastTable = table
            }
            if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
            for r in results where r.rows > 0 {
                print(
                    "\(r.table.padding(toLength: 15, withPad: " ", startingAt: 0)) \(r.rows) rows, checksum \(String(r.checksum, radix: 16)) on both sides"
                )
            }
            print(
                "copied \(results.reduce(0) { $0 + $1.rows }) rows from \(source.location) (\(source.engine)) to \(target.location) (\(target.engine)); verified"
            )
            return 0
        } catch {
            printError("exportdesk: migrate-db: \(error)")
            return 1
        }
    }
}
