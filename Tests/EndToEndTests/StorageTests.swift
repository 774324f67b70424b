import ExportDeskClient
import ExportDeskCore
import Foundation
import JSON
import JSONRPC
import SQLiteStore
import Storage
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Companies and the store through the real binary (results are checked against their schemas by
/// `--validate-results`), durability under SIGKILL, and a full database.
struct StorageTests {
    /// The same scenario in-process and against the built binary.
    @Test(arguments: Harness.allCases)
    func companiesRoundTripOverTheWire(harness: Harness) throws {
        let server = try harness.start()
        defer { server.stop() }
        let c = try server.connect()
        let created = try c.call(
            "companies.create",
            [
                "name": "ООО «Технополис Экспорт»", "inn": "7707083893", "ogrn": "1027700132195", "size": "medium",
                "targetMarkets": ["SA", "AE"], "okved": ["26.51"],
                "annualExportVolume": ["amount": "1250000.00", "currency": "RUB"],
                "contacts": [["name": "Анна", "email": "anna@example.ru", "phone": "+74951234567"]],
                "tags": ["приборы"],
            ])
        let id = created["id"]!
        #expect(try c.call("companies.get", ["id": id]) == created)
        let found = try c.call(
            "companies.list", ["filter": ["q": "ТЕХНОПОЛИС", "targetMarket": "SA"], "includeTotal": true])
        #expect(found["total"] == 1 && found["items"]?.arrayValue?.first?["id"] == id)
        let updated = try c.call(
            "companies.update", ["id": id, "patch": ["size": "large", "tags": .null], "expectedVersion": 1])
        #expect(updated["version"] == 2 && updated["tags"] == nil)
        _ = try c.call("companies.archive", ["id": id])
        _ = try c.call("companies.restore", ["id": id, "expectedVersion": 3])
        let history = try c.call("companies.history", ["id": id])
        #expect(
            history["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } == [
                "companies.create", "companies.update", "companies.archive", "companies.restore",
            ])
        do {
            _ = try c.call("companies.update", ["id": id, "patch": ["name": .null]])
            Issue.record("name was cleared")
        } catch let e as RPCError {
            #expect(e.code == -32602)
        }
        let info = try c.call("system.info")
        #expect((info["schemaVersion"]?.int64Value ?? 0) >= 2)
        #expect((info["databaseSizeBytes"]?.int64Value ?? 0) > 0)
    }

    @Test func idempotencyKeyMakesRetriesSafe() throws {
        let server = try Harness.inProcess.start()
        defer { server.stop() }
        let c = try server.connect()
        let params: JSONValue = ["name": "Retry LLC", "idempotencyKey": "k-1"]
        let first = try c.call("companies.create", params)
        let again = try c.call("companies.create", params)
        #expect(first == again)
        #expect(try c.call("companies.list", ["includeTotal": true])["total"] == 1)
        do {
            _ = try c.call("companies.create", ["name": "Other LLC", "idempotencyKey": "k-1"])
            Issue.record("a key reused with other params was accepted")
        } catch let e as RPCError {
            #expect(e.reason == "DUPLICATE" && e.data["field"] == "idempotencyKey")
        }
        // Keys are per actor and per method: the same key on another method is its own key space entry.
        #expect(try c.call("companies.list", ["includeTotal": true])["total"] == 1)
    }

    @Test func aFullDatabaseRefusesWritesAndKeepsServingReads() throws {
        // SQLite's page cap stands in for a full disk, whichever engine the suite runs on.
        let dir = TemporaryDirectory()
        let server = try ServerProcess(
            arguments: ["--max-db-pages", "110", "--db", dir.file("db.sqlite")], directory: dir)
        defer { server.stop() }
        let c = try server.connect()
        let keeper = try c.call("companies.create", ["name": "Kept"])
        let notes = String(repeating: "экспорт ", count: 1000)
        var refused: RPCError?
        for i in 0..<200 {
            do {
                _ = try c.call("companies.create", ["name": .string("Filler \(i)"), "notes": .string(notes)])
            } catch let e as RPCError {
                refused = e
                break
            }
        }
        #expect(refused?.code == -32004)
        #expect(refused?.reason == "STORAGE_UNAVAILABLE")
        #expect(refused?.message.contains("full") == true)
        let before = try c.call("companies.list", ["includeTotal": true, "limit": 1])["total"]
        #expect(throws: RPCError.self) { try c.call("companies.create", ["name": "Refused", "notes": .string(notes)]) }
        #expect(
            try c.call("companies.list", ["includeTotal": true, "limit": 1])["total"] == before, "nothing half-written")
        #expect(try c.call("companies.get", ["id": keeper["id"]!])["name"] == "Kept")
        #expect(try c.call("system.ping")["pong"] == true)
    }

    @Test func acknowledgedWritesSurviveSIGKILL() throws {
        let dir = TemporaryDirectory()
        let acknowledged = Mutex<[String]>([])
        for round in 0..<3 {
            let server = try ServerProcess(directory: dir, socketName: "s\(round).sock")
            let writers = (0..<6).map { w in
                Thread {
                    guard let c = try? server.connect() else { return }
                    var i = 0
                    while true {
                        guard
                            let r = try? c.call(
                                "companies.create", ["name": .string("Round \(round) writer \(w) #\(i)")], timeout: 5),
                            let id = r["id"]?.stringValue
                        else { return }
                        acknowledged.withLock { $0.append(id) }
                        i += 1
                    }
                }
            }
            writers.forEach { $0.start() }
            usleep(UInt32.random(in: 300_000...900_000))
            #expect(server.stop(signal: SIGKILL) != nil)
            usleep(200_000)
        }
        let ids = acknowledged.withLock { $0 }
        #expect(ids.count > 50, "the load produced acknowledged writes (\(ids.count))")
        if !TestEngine.isPostgreSQL {
            let db = try Connection(path: dir.database())
            var integrity = ""
            try db.query("PRAGMA integrity_check") { integrity = $0.text(0) ?? "" }
            #expect(integrity == "ok")
        }
        let store = try Engines.open(dir.database())
        defer { store.close() }
        let (present, created) = try store.readNow { db -> (Set<String>, Int64) in
            var present = Set<String>()
            try db.query("SELECT id FROM companies") { if let id = $0.text(0) { present.insert(id) } }
            return (present, try db.scalar("SELECT count(*) FROM changes WHERE op = 'created'") ?? -1)
        }
        let lost = ids.filter { !present.contains($0) }
        #expect(lost.isEmpty, "\(lost.count) acknowledged creates lost on \(TestEngine.name)")
        // The change log holds exactly one 'created' entry per company.
        #expect(created == Int64(present.count))
    }
}

extension StorageTests {
    @Test func theServerRefusesADatabaseFromANewerExportDesk() throws {
        let dir = TemporaryDirectory()
        let db = try Connection(path: dir.file("db.sqlite"))
        try db.execute("PRAGMA user_version = 999")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
        p.arguments = ["serve", "--socket", dir.file("s.sock"), "--db", dir.file("db.sqlite")]
        let err = Pipe()
        p.standardError = err
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        #expect(message.contains("schema version 999") && message.contains("newer ExportDesk"))
        #expect(try Migrator.version(db) == 999, "the file was left as it was")
    }
}

extension StorageTests {
    @Test func staffOverTheWire() throws {
        let server = try Harness.inProcess.start()
        defer { server.stop() }
        let c = try server.connect()
        let s = try c.call(
            "staff.create", ["name": "Анна Смирнова", "email": "anna@center.example.ru", "position": "Куратор"])
        #expect(try c.call("staff.get", ["id": s["id"]!]) == s)
        #expect(try c.call("staff.update", ["id": s["id"]!, "patch": ["position": .null]])["version"] == 2)
        #expect(try c.call("staff.deactivate", ["id": s["id"]!])["active"] == false)
        #expect(try c.call("staff.list", ["filter": ["active": false]])["items"]?.arrayValue?.count == 1)
        do {
            _ = try c.call("staff.create", ["name": "X", "email": "not-an-email"])
            Issue.record("bad e-mail accepted")
        } catch let e as RPCError {
            #expect(e.data["errors"]?.arrayValue?.first?["instancePath"] == "/email")
        }
    }
}

extension StorageTests {
    @Test func supportRequestLifecycleOverTheWire() throws {
        let server = try Harness.inProcess.start()
        defer { server.stop() }
        let c = try server.connect()
        let company = try c.call("companies.create", ["name": "ООО «Агро»"])["id"]!
        let curator = try c.call("staff.create", ["name": "Анна", "email": "anna@center.example.ru"])["id"]!
        let r = try c.call(
            "requests.submit",
            ["companyId": company, "service": "exhibition", "channel": "phone", "subject": "Выставка в Эр-Рияде"])
        let id = r["id"]!
        #expect(r["status"] == "new")
        #expect(try c.call("requests.assign", ["id": id, "curatorId": curator])["status"] == "assigned")
        #expect(try c.call("requests.start", ["id": id])["status"] == "in_progress")
        #expect(
            try c.call("requests.resolve", ["id": id, "resolution": "Заявка на участие подана"])["status"] == "resolved"
        )
        do {
            _ = try c.call("requests.resolve", ["id": id, "resolution": "again"])
            Issue.record("resolved twice")
        } catch let e as RPCError {
            #expect(e.reason == "INVALID_TRANSITION" && e.data["allowed"] == ["reopen"])
        }
        let reopened = try c.call("requests.reopen", ["id": id])
        #expect(reopened["status"] == "in_progress" && reopened["resolution"] == nil)
        #expect(try c.call("requests.list", ["filter": ["q": "выставк"], "includeTotal": true])["total"] == 1)
    }
}

extension StorageTests {
    /// Many clients, one place: exactly one approval, whatever the interleaving.
    /// The same scenario in-process and against the built binary.
    @Test(arguments: Harness.allCases)
    func theLastPlaceGoesToExactlyOneConcurrentApproval(harness: Harness) throws {
        let server = try harness.start()
        defer { server.stop() }
        let c = try server.connect()
        let (ev, participations) = try Concurrent.eventWithOnePlace(c)
        let all = Concurrent.outcomes(participations.count, timeout: 30, connect: { _ in try server.connect() }) {
            i, conn in
            _ = try conn.call("participations.approve", ["id": participations[i]])
        }.map { $0 == "ok" ? "approved" : $0 }
        #expect(all.filter { $0 == "approved" }.count == 1)
        #expect(all.filter { $0 == "CAPACITY_EXCEEDED" }.count == 19)
        #expect(
            try c.call(
                "participations.list", ["filter": ["eventId": ev, "status": "approved"], "includeTotal": true])["total"]
                == 1)
        // Reports over the wire, their results checked against their schemas by --validate-results.
        #expect(try c.call("reports.summary")["participations"]?["byStatus"]?["approved"] == 1)
        #expect(
            try c.call("reports.events", ["from": "2099-01-01"])["items"]?.arrayValue?.first?["participations"]?[
                "applied"] == 19)
    }
}

extension StorageTests {
    @Test func strategiesOverTheWire() throws {
        let server = try Harness.inProcess.start()
        defer { server.stop() }
        let c = try server.connect()
        let company = try c.call("companies.create", ["name": "ООО «Стратегия»"])["id"]!
        let s = try c.call(
            "strategies.create",
            [
                "companyId": company, "title": "План", "periodStart": 2026, "periodEnd": 2028,
                "goals": [["metric": "contracts", "year": 2027, "target": 3]],
                "markets": [["country": "SA", "priority": 1, "entryMode": "distributor"]],
            ])
        _ = try c.call("strategies.approve", ["id": s["id"]!])
        #expect(try c.call("strategies.progress", ["id": s["id"]!])["goals"]?.arrayValue?.first?["actual"] == 0)
        #expect(try c.call("strategies.revise", ["id": s["id"]!])["revision"] == 2)
        #expect(try c.call("strategies.list", ["filter": ["companyId": company], "includeTotal": true])["total"] == 2)
    }
}
