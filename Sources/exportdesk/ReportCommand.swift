import ExportDeskClient
import ExportDeskCore
import ExportDeskReports
import ExportDeskSchemas
import Foundation
import JSON
import JSONRPC
import SQLiteStore
import Storage
import Support

/// `exportdesk report summary|events|internships|requests [--from DATE] [--to DATE] --html FILE
/// [--socket PATH | --db PATH] [--token SECRET]`: the report method's answer as a page people look at.
enum ReportCommand {
    static func run(_ args: ArraySlice<String>) throws -> Int32 {
        let a = try Arguments(args, valued: ServerConnection.options.union(["from", "to", "html", "db"]), flags: [])
        guard a.positionals.count == 1, let kind = a.positionals.first, let method = ReportPage.kinds[kind] else {
            throw Arguments.UsageError(description: "report needs one of: summary, events, internships, requests")
        }
        guard let html = a.value("html") else { throw Arguments.UsageError(description: "report needs --html FILE") }
        guard a.value("db") == nil || a.value("socket") == nil else {
            throw Arguments.UsageError(
                description: "give --db (read the database here) or --socket (ask a running server), not both")
        }
        var params = JSONObject()
        for key in ["from", "to"] {
            guard let day = a.value(key) else { continue }
            // A real calendar day: it must come back unchanged (timegm would roll 2026-02-31 into March).
            guard day.count == 10, let millis = Timestamps.millis(fromRFC3339: day + "T00:00:00Z"),
                WallClock.date(millis) == day
            else {
                throw Arguments.UsageError(description: "--\(key) must be a date YYYY-MM-DD, not \(day)")
            }
            params[key] = .string(day)
        }
        let answer: JSONValue
        do {
            if let db = a.value("db") {
                answer = try local(kind, db: db, params: .object(params))
            } else {
                let connection: RPCConnection
                do { connection = try ServerConnection.open(a) } catch let failed as ServerConnection.Failed {
                    return failed.status
                }
                answer = try connection.call(method, .object(params), timeout: 300)
            }
        } catch {
            guard let error = RPCError(sendable: error) else { throw error }
            printError(error.json.serializedString(pretty: true))
            return 1
        }
        let page = ReportPage.render(kind: kind, answer: answer, generated: WallClock.rfc3339(WallClock.nowMillis))
        do {
            try page.write(toFile: html, atomically: true, encoding: .utf8)
        } catch {
            printError("exportdesk: cannot write \(html): \(error)")
            return 1
        }
        printError("wrote \(html)")
        return 0
    }

    /// The same functions the report methods run, on the database read here (as the local owner).
    static func local(_ kind: String, db path: String, params: JSONValue) throws -> JSONValue {
        guard Engines.exists(path) else { throw RPCError.storageUnavailable("no database at \(Engines.shown(path))") }
        let store = try Engines.open(path)
        defer { store.close() }
        // On the reader pool, not as a lookup by key: a report may scan a large programme.
        return try waitFor { try await store.read { db in try report(kind, db, params) } }
    }

    private static func report(_ kind: String, _ db: any SQLDatabase, _ params: JSONValue) throws -> JSONValue {
        let fields = params.objectValue ?? [:]
        switch kind {
        case "events": return try Reports.events(db, TypedRecords.params(Params.ReportsEvents.self, fields)).json
        case "internships":
            return try Reports.internships(
                db, TypedRecords.params(Params.ReportsInternships.self, fields),
                scope: Reports.InternshipScope(today: WallClock.today)
            ).json
        case "requests":
            return try RequestReport.build(db, TypedRecords.params(Params.ReportsRequests.self, fields)).json
        default: return try Reports.summary(db, TypedRecords.params(Params.ReportsSummary.self, fields)).json
        }
    }
}
