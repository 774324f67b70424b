import ExportDeskCore
import Foundation
import SQLiteStore
import Storage

/// `exportdesk demo [--db PATH] [--scale N] [--seed N]`: a populated programme in an empty database.
enum DemoCommand {
    static func run(_ args: ArraySlice<String>) throws -> Int32 {
        let a = try Arguments(args, valued: ["db", "scale", "seed"], flags: [])
        let path = a.value("db") ?? ProcessInfo.processInfo.environment["EXPORTDESK_DB"] ?? "./exportdesk.sqlite"
        let scale = try a.int("scale", range: 1...1000) ?? 1
        let seed = UInt64(try a.int("seed", range: 0...Int.max) ?? 2024)
        do {
            let store = try Engines.open(path)
            let outcome = Result { try waitFor { try await DemoData.load(into: store, scale: scale, seed: seed) } }
            store.close()
            if case .failure(let error) = outcome, error is DemoData.AlreadyLoaded {
                // So that the quick start's `demo && serve` chain works when run again.
                print("\(Engines.shown(path)) already holds the demo programme; nothing to load")
                print("start the server with: exportdesk serve --db \(Engines.shown(path))")
                return 0
            }
            let c = try outcome.get()
            print(
                "loaded \(c.companies) active companies, \(c.staff) staff, \(c.events) events, \(c.participations) participations, \(c.requests) requests, \(c.strategies) strategies, "
                    + "\(c.institutions) institutions with \(c.agreements) agreements, \(c.offers) offers, \(c.students) students, \(c.placements) placements into \(Engines.shown(path))"
            )
            print("start the server with: exportdesk serve --db \(Engines.shown(path))")
            return 0
        } catch {
            printError("exportdesk: demo: \(error)")
            return 1
        }
    }
}
