import ExportDeskCore
import Foundation
import SQLiteStore

/// `exportdesk demo [--db PATH] [--companies N] [--seed N]`: a populated programme in an empty database.
enum DemoCommand {
    static func run(_ args: ArraySlice<String>) throws -> Int32 {
        let a = try Arguments(args, valued: ["db", "companies", "seed"], flags: [])
        let path = a.value("db") ?? ProcessInfo.processInfo.environment["EXPORTDESK_DB"] ?? "./exportdesk.sqlite"
        let count = try a.int("companies", range: 1...1_000_000) ?? 1000
        let seed = UInt64(try a.int("seed", range: 0...Int.max) ?? 2024)
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<Int, Error> = .success(0)
        do {
            let store = try Store(path: path, migrations: CoreMigrations.all)
            Task {
                do { outcome = .success(try await DemoData.load(into: store, companies: count, seed: seed)) } catch { outcome = .failure(error) }
                semaphore.signal()
            }
            semaphore.wait()
            store.close()
            let made = try outcome.get()
            print("loaded \(made) companies into \(path); start the server with: exportdesk serve --db \(path)")
            return 0
        } catch {
            printError("exportdesk: demo: \(error)")
            return 1
        }
    }
}
