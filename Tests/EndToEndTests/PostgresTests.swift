import ExportDeskClient
import ExportDeskCore
import Foundation
import JSON
import JSONRPC
import PostgresStore
import Synchronization
import TestSupport
import Testing

/// Several ExportDesk instances on one PostgreSQL database (SPEC's rules must hold across them). These run in
/// the PostgreSQL pass of `.ci/test` (EXPORTDESK_TEST_POSTGRES set); without a PostgreSQL server they skip.
@Suite(
    .enabled(
        if: TestEngine.isPostgreSQL,
        "runs in the PostgreSQL pass (EXPORTDESK_TEST_POSTGRES unset here; .ci/test sets it for a throwaway cluster where Debian's postgresql is installed)"
    ))
struct PostgresTests {
    /// Three servers on one schema, each on its own socket.
    static func instances(_ n: Int = 3, dir: TemporaryDirectory = TemporaryDirectory()) throws -> [ServerProcess] {
        let db = dir.database()
        return try (0..<n).map { i in
            try ServerProcess(arguments: ["--db", db], directory: dir, socketName: "i\(i).sock")
        }
    }

    @Test("CAPACITY_EXCEEDED: 20 approvals for one place spread over three instances give exactly one approval")
    func theLastPlaceGoesToExactlyOneApprovalAcrossInstances() throws {
        let servers = try Self.instances()
        defer { servers.forEach { $0.stop() } }
        let c = try servers[0].connect()
        let (ev, participations) = try Concurrent.eventWithOnePlace(c)
        let all = Concurrent.outcomes(participations.count, connect: { i in try servers[i % 3].connect() }) { i, conn in
            _ = try conn.call("participations.approve", ["id": participations[i]])
        }.map { $0 == "ok" ? "approved" : $0 }
        #expect(all.filter { $0 == "approved" }.count == 1, "\(all)")
        #expect(all.filter { $0 == "CAPACITY_EXCEEDED" }.count == 19)
        for server in servers {
            #expect(
                try server.connect().call(
                    "participations.list", ["filter": ["eventId": ev, "status": "approved"], "includeTotal": true])[
                        "total"] == 1)
        }
    }

    @Test("DUPLICATE: one INN among active companies, whichever instance each create reaches")
    func innStaysUniqueAcrossInstances() throws {
        let servers = try Self.instances()
        defer { servers.forEach { $0.stop() } }
        let all = Concurrent.outcomes(12, connect: { i in try servers[i % 3].connect() }) { i, conn in
            _ = try conn.call("companies.create", ["name": .string("Дубль \(i)"), "inn": "7707083893"])
        }.map { $0 == "ok" ? "created" : $0 }
        #expect(all.filter { $0 == "created" }.count == 1 && all.filter { $0 == "DUPLICATE" }.count == 11, "\(all)")
    }

    @Test func theChangeFeedIsGapFreeWhileThreeInstancesWrite() throws {
        let servers = try Self.instances()
        defer { servers.forEach { $0.stop() } }
        let perWriter = 60
        let writers = (0..<6).map { w in
            Thread {
                guard let conn = try? servers[w % 3].connect() else { return }
                for i in 0..<perWriter { _ = try? conn.call("companies.create", ["name": .string("W\(w) \(i)")]) }
            }
        }
        writers.forEach { $0.start() }
        // A partner pages continuously from another instance while the writes go on.
        let poller = try servers[2].connect()
        var seen: [Int64] = []
        var cursor = "0"
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            let page = try poller.call("changes.list", ["since": .string(cursor), "limit": 25])
            let items = page["items"]?.arrayValue ?? []
            seen += items.compactMap { $0["seq"]?.int64Value }
            cursor = page["nextCursor"]?.stringValue ?? cursor
            if items.isEmpty {
                if seen.count >= 6 * perWriter { break }
                usleep(2_000)
            }
        }
        #expect(seen.count == 6 * perWriter, "every change seen (\(seen.count) of \(6 * perWriter))")
        #expect(Set(seen).count == seen.count, "none twice")
        #expect(seen == seen.sorted(), "in seq order")
        let total = try servers[0].connect().call("changes.list", ["limit": 1000])["items"]?.arrayValue?.count
        #expect(total == seen.count, "and nothing the poller skipped")
    }

    @Test func aSubscriberOnOneInstanceReceivesWhatAnotherCommits() throws {
        let servers = try Self.instances(2)
        defer { servers.forEach { $0.stop() } }
        let subscriber = try servers[0].connect()
        let sub = try subscriber.call("changes.subscribe", ["entities": ["company"]])["subscriptionId"]!
        let created = try servers[1].connect().call("companies.create", ["name": "Через другой экземпляр"])["id"]!
        let note = try subscriber.readMessage(timeout: 10)
        #expect(note["method"] == "changes.notify" && note["params"]?["subscriptionId"] == sub)
        #expect(note["params"]?["change"]?["id"] == created)
    }

    @Test func instancesStartedTogetherMigrateOnceAndANewerSchemaIsRefused() throws {
        let dir = TemporaryDirectory()
        let servers = try Self.instances(3, dir: dir)
        let latest = JSONValue.number(.int(Int64(CoreMigrations.postgres.last!.version)))
        for server in servers { #expect(try server.connect().call("system.info")["schemaVersion"] == latest) }
        servers.forEach { $0.stop() }
        let db = try PGConnection(conninfo: dir.database())
        #expect(try db.scalar("SELECT count(*) FROM exportdesk_schema") == 1)
        try db.execute("UPDATE exportdesk_schema SET version = 999")
        let refused = try Command.exportdesk(["serve", "--stdio", "--db", dir.database()], stdin: "")
        #expect(
            refused.status == 1 && refused.err.contains("schema version 999")
                && refused.err.contains("newer ExportDesk"))
        #expect(try db.scalar("SELECT max(version) FROM exportdesk_schema") == 999, "left as it was")
    }

    @Test func systemInfoNamesTheEngineAndNeverThePassword() throws {
        let dir = TemporaryDirectory()
        let withPassword = dir.database() + " password=s3cret-pass"
        let server = try ServerProcess(arguments: ["--db", withPassword], directory: dir)
        defer { server.stop() }
        let c = try server.connect()
        let info = try c.call("system.info")
        #expect(info["databaseEngine"]?.stringValue?.hasPrefix("PostgreSQL ") == true)
        #expect(
            info["databasePath"]?.stringValue?.contains("s3cret") == false
                && info["databasePath"]?.stringValue?.contains("password=***") == true)
        do {
            _ = try c.call("system.backup", ["path": .string(dir.file("b.sqlite"))])
            Issue.record("a PostgreSQL backup was claimed")
        } catch let e as RPCError {
            #expect(e.message.contains("pg_dump"))
        }
        _ = try c.call("companies.create", ["name": "x"])
        #expect(!server.stderr.contains("s3cret"))
    }

    @Test func connectionStringsLoseTheirPassword() {
        #expect(
            ConnInfo.redacted("postgresql://ed:secret@db.example/exportdesk?sslmode=require")
                == "postgresql://ed:***@db.example/exportdesk?sslmode=require")
        #expect(
            ConnInfo.redacted("postgres:///x?host=/run&password=secret&user=ed")
                == "postgres:///x?host=/run&password=***&user=ed")
        #expect(
            ConnInfo.redacted("host=db user=ed password='se cret' dbname=x") == "host=db user=ed password=*** dbname=x")
        #expect(ConnInfo.redacted("host=db password=secret") == "host=db password=***")
    }
}

extension PostgresTests {
    @Test func migrateDBCopiesAProgrammeToPostgreSQLAndBackVerified() throws {
        let dir = TemporaryDirectory()
        #expect(try Command.exportdesk(["demo", "--db", dir.file("a.sqlite")]).status == 0)
        let pg = dir.database("copy")
        let there = try Command.exportdesk(["migrate-db", "--from", dir.file("a.sqlite"), "--to", pg])
        #expect(there.status == 0 && there.out.contains("verified"), "\(there.err)")
        let again = try Command.exportdesk(["migrate-db", "--from", dir.file("a.sqlite"), "--to", pg])
        #expect(again.status == 1 && again.err.contains("not empty"), "a non-empty target is refused")
        let back = try Command.exportdesk(["migrate-db", "--from", pg, "--to", dir.file("b.sqlite")])
        #expect(back.status == 0 && back.out.contains("verified"), "\(back.err)")
        // The copy serves: the same search answers, and new records continue the keys and the feed.
        let server = try ServerProcess(arguments: ["--db", pg], directory: dir)
        defer { server.stop() }
        let c = try server.connect()
        let original = try ServerProcess(
            arguments: ["--db", dir.file("a.sqlite")], directory: dir, socketName: "a.sock")
        defer { original.stop() }
        let o = try original.connect()
        for q in ["агро", "ТЕХ", "export"] {
            let params: JSONValue = ["filter": ["q": .string(q)], "includeTotal": true, "limit": 5]
            #expect(
                try c.call("companies.list", params)["total"] == o.call("companies.list", params)["total"], "q=\(q)")
        }
        let newest = try c.call("changes.list", ["since": "0", "limit": 1000])
        let created = try c.call("companies.create", ["name": "После переноса"])["id"]!
        var cursor = newest["nextCursor"]!
        while let page = try? c.call("changes.list", ["since": cursor, "limit": 1000]),
            let items = page["items"]?.arrayValue, !items.isEmpty
        {
            cursor = page["nextCursor"]!
            if items.contains(where: { $0["id"] == created }) { return }
        }
        Issue.record("the new company's change was not in the feed after the copied ones")
    }
}

extension PostgresTests {
    @Test func aU0000InTextIsRefusedNeverCutShort() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let c = try server.connect()
        do {
            _ = try c.call("companies.create", ["name": "До\u{0000}после"])
            Issue.record("a name with U+0000 was stored on PostgreSQL")
        } catch let e as RPCError {
            #expect(e.reason == "INVALID_PARAMS" && e.message.contains("U+0000"))
        }
        #expect(
            try c.call("companies.list", ["includeTotal": true])["total"] == 0, "nothing written, nothing truncated")
    }
}

extension PostgresTests {
    @Test func aDatabaseThatCannotBeOpenedIsNamedWithoutItsPassword() throws {
        let base = try #require(TestEngine.postgres)
        let refused = try Command.exportdesk(
            ["serve", "--stdio", "--db", base + " dbname=no_such_db password=s3cret-x"], stdin: "")
        #expect(refused.status == 1 && refused.err.contains("no_such_db") && refused.err.contains("password=***"))
        #expect(!refused.err.contains("s3cret"), "\(refused.err)")
        let dir = TemporaryDirectory()
        let loaded = try Command.exportdesk(["demo", "--db", dir.database() + " password=s3cret-y"])
        #expect(
            loaded.status == 0 && !loaded.out.contains("s3cret") && loaded.out.contains("password=***"),
            "\(loaded.out) \(loaded.err)")
    }
}
