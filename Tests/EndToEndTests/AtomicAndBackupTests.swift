import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import SQLiteStore
import Storage
import TestSupport
import Testing

struct AtomicAndBackupTests {
    func total(_ c: RPCConnection) throws -> JSONValue? {
        try c.call("companies.list", ["includeTotal": true, "limit": 1])["total"]
    }

    @Test func atomicAppliesAllOrNothing() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let c = try server.connect()
        let ok = try c.call(
            "rpc.atomic",
            [
                "calls": [
                    ["method": "companies.create", "params": ["name": "A", "inn": "7707083893"]],
                    ["method": "companies.create", "params": ["name": "B"]],
                ]
            ])
        #expect(ok["results"]?.arrayValue?.count == 2)
        #expect(try total(c) == 2)
        do {
            _ = try c.call(
                "rpc.atomic",
                [
                    "calls": [
                        ["method": "companies.create", "params": ["name": "C"]],
                        ["method": "companies.create", "params": ["name": "D", "inn": "7707083893"]],
                    ]
                ])
            Issue.record("a failing atomic call was applied")
        } catch let e as RPCError {
            #expect(e.reason == "DUPLICATE" && e.data["index"] == 1)
        }
        #expect(try total(c) == 2, "C was rolled back with D")
        do {
            _ = try c.call(
                "rpc.atomic",
                [
                    "calls": [
                        ["method": "companies.create", "params": ["name": "E"]],
                        ["method": "companies.create", "params": ["name": "F", "size": "huge"]],
                    ]
                ])
            Issue.record("invalid params accepted")
        } catch let e as RPCError {
            #expect(e.code == -32602 && e.data["index"] == 1)
            #expect(e.data["errors"]?.arrayValue?.first?["instancePath"] == "/calls/1/params/size")
        }
        do {
            _ = try c.call(
                "rpc.atomic",
                ["calls": [["method": "companies.get", "params": ["id": "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A"]]]])
            Issue.record("a read method was accepted in rpc.atomic")
        } catch let e as RPCError {
            #expect(e.data["errors"]?.arrayValue?.first?["instancePath"] == "/calls/0/method")
        }
        #expect(try total(c) == 2)
    }

    @Test func backupIsConsistentReportsProgressAndNeverOverwrites() throws {
        // A SQLite backup, whichever engine the suite runs on (PostgreSQL is backed up with pg_dump).
        let dir = TemporaryDirectory()
        let server = try ServerProcess(arguments: ["--db", dir.file("db.sqlite")], directory: dir)
        defer { server.stop() }
        let c = try server.connect()
        for i in 0..<300 { _ = try c.call("companies.create", ["name": .string("Company \(i)")]) }
        let target = server.directory.file("backup.sqlite")
        let result = try c.call("system.backup", ["path": .string(target), "progressToken": "b1"])
        #expect(result["path"] == .string(target) && (result["bytes"]?.int64Value ?? 0) > 0)
        #expect(c.notifications.contains { $0["method"] == "$/progress" && $0["params"]?["token"] == "b1" })
        let copy = try Connection(path: target)
        #expect(try copy.scalar("SELECT count(*) FROM companies") == 300)
        var integrity = ""
        try copy.query("PRAGMA integrity_check") { integrity = $0.text(0) ?? "" }
        #expect(integrity == "ok")
        do {
            _ = try c.call("system.backup", ["path": .string(target)])
            Issue.record("an existing file was overwritten")
        } catch let e as RPCError {
            #expect(e.code == -32602 && e.data["errors"]?.arrayValue?.first?["instancePath"] == "/path")
        }
        // The CLI takes the same kind of copy while the server runs.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
        p.arguments = ["backup", "--db", server.directory.file("db.sqlite"), server.directory.file("cli.sqlite")]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(
            try Connection(path: server.directory.file("cli.sqlite")).scalar("SELECT count(*) FROM companies") == 300)
    }
}
