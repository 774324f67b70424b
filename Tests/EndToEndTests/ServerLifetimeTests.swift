import ExportDeskClient
import Foundation
import JSON
import SQLiteStore
import Storage
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12, server lifetime: connections that close give their memory back, no SIGTERM is lost, a clean
/// stop leaves the main file complete, servers started together migrate once, a killed backup leaves
/// nothing half-made.
struct ServerLifetimeTests {
    /// Connects to a Unix socket and closes at once (a partner that connects per poll).
    static func connectAndClose(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = b }
        }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        } == 0
    }

    static func residentKB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    static func waitForConnections(_ c: RPCConnection, _ n: Int64) throws {
        let deadline = Date().addingTimeInterval(10)
        while try c.call("system.info")["connections"]?.int64Value != n && Date() < deadline { usleep(10_000) }
    }

    @Test func memoryStaysBoundedOverTwentyThousandConnectCloseCycles() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let observer = try server.connect()
        let path = server.socketPath!
        for _ in 0..<2_000 { #expect(Self.connectAndClose(path)) }
        try Self.waitForConnections(observer, 1)
        let before = Self.residentKB(server.process.processIdentifier)
        var failed = 0
        for _ in 0..<20_000 where !Self.connectAndClose(path) { failed += 1 }
        try Self.waitForConnections(observer, 1)
        let after = Self.residentKB(server.process.processIdentifier)
        #expect(failed == 0)
        // Before the fix each 10,000 cycles kept about 4.7 MB; allow allocator noise, not growth.
        #expect(after - before < 3_000, "resident memory grew from \(before) KB to \(after) KB")
    }

    @Test func aSIGTERMRightAfterTheSocketAcceptsIsNeverLost() throws {
        // Load both cores so that the server's threads start late, as on a busy machine.
        let stop = Atomic<Bool>(false)
        let burners = (0..<2).map { _ in
            Thread {
                var x = 0.0
                while !stop.load(ordering: .relaxed) { x += 1 }
                _ = x
            }
        }
        burners.forEach { $0.start() }
        defer { stop.store(true, ordering: .relaxed) }
        let dir = TemporaryDirectory()
        for round in 0..<12 {
            let server = try ServerProcess(directory: dir, socketName: "s\(round).sock")
            let status = server.stop(signal: round % 2 == 0 ? SIGTERM : SIGINT, timeout: 15)
            #expect(status == 0, "round \(round): the server ignored the signal; stderr:\n\(server.stderr)")
        }
        // And at any moment of start-up: the signal either ends the process before it set anything up, or
        // it is handled as a clean stop; it is never dropped (the server would keep running).
        for round in 0..<24 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
            p.arguments = ["serve", "--socket", dir.file("r\(round).sock"), "--db", dir.database()]
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32.random(in: 0...60_000))
            kill(p.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(15)
            while p.isRunning && Date() < deadline { usleep(5_000) }
            #expect(!p.isRunning, "round \(round): SIGTERM during start-up was lost")
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
            if p.terminationReason == .exit {
                #expect(p.terminationStatus == 0)
                #expect(
                    !FileManager.default.fileExists(atPath: dir.file("r\(round).sock")),
                    "a clean stop removes the socket file")
            }
        }
    }

    @Test(arguments: ["SIGTERM", "stdin EOF"])
    func aCleanStopLeavesEverythingInTheMainFile(stop: String) throws {
        // SQLite's files, whichever engine the suite runs on: this is about the -wal file.
        let dir = TemporaryDirectory()
        let server = try ServerProcess(
            socket: stop == "SIGTERM", stdio: stop != "SIGTERM", arguments: ["--db", dir.file("db.sqlite")],
            directory: dir)
        let c = stop == "SIGTERM" ? try server.connect() : server.stdioConnection()
        for i in 0..<40 { _ = try c.call("companies.create", ["name": .string("Компания \(i)")]) }
        c.close()
        if stop == "SIGTERM" { server.stop() } else { server.closeStdin() }
        #expect(server.waitForExit(timeout: 20) == 0)
        let db = dir.file("db.sqlite")
        let walSize = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
        #expect(walSize == 0, "the -wal file still holds \(walSize) bytes")
        // The main file alone, copied elsewhere, holds every company.
        let copy = TemporaryDirectory()
        try FileManager.default.copyItem(atPath: db, toPath: copy.file("copy.sqlite"))
        let copied = try Connection(path: copy.file("copy.sqlite"))
        #expect(try copied.scalar("SELECT count(*) FROM companies") == 40)
    }

    @Test func fourServersStartedTogetherOnANewFileAllServe() throws {
        for round in 0..<3 {
            let dir = TemporaryDirectory()
            let servers = (0..<4).map { _ in (Process(), Pipe(), Pipe(), Pipe()) }
            for (p, input, output, err) in servers {
                p.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
                p.arguments = ["serve", "--stdio", "--db", dir.file("new.sqlite")]
                p.standardInput = input
                p.standardOutput = output
                p.standardError = err
            }
            for (p, _, _, _) in servers { try p.run() }
            for (_, input, _, _) in servers {
                input.fileHandleForWriting.write(
                    Data(#"{"jsonrpc":"2.0","id":1,"method":"system.info"}"#.utf8 + [0x0A]))
                try input.fileHandleForWriting.close()
            }
            for (i, (p, _, output, err)) in servers.enumerated() {
                let answer = output.fileHandleForReading.readDataToEndOfFile()
                let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                #expect(p.terminationStatus == 0, "round \(round), server \(i): \(log)")
                let info = try? JSONParser.parse([UInt8](answer))
                #expect(
                    (info?["result"]?["schemaVersion"]?.int64Value ?? 0) > 0,
                    "round \(round), server \(i) answered \(String(decoding: answer, as: UTF8.self))")
            }
        }
    }

    @Test func aBackupKilledMidwayLeavesNothingOrAWholeBackupAndARetrySucceeds() throws {
        let dir = TemporaryDirectory()
        do {
            let source = try Connection(path: dir.file("big.sqlite"))
            try source.execute("CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB)")
            try source.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000) INSERT INTO blobs(data) SELECT randomblob(4000) FROM n"
            )
        }
        func backup(_ target: String) throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
            p.arguments = ["backup", "--db", dir.file("big.sqlite"), target]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        func rows(_ path: String) -> Int64? {
            guard let c = try? Connection(path: path, readOnly: true) else { return nil }
            return try? c.scalar("SELECT count(*) FROM blobs")
        }
        var killedMidway = 0
        for round in 0..<6 {
            let target = dir.file("backup\(round).sqlite")
            let p = try backup(target)
            usleep(UInt32(5_000 + round * 12_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            if FileManager.default.fileExists(atPath: target) {
                #expect(rows(target) == 12000, "round \(round): a file at the target that is not a whole backup")
            } else {
                killedMidway += 1
            }
            // A retry to the same path succeeds (or, when the first one finished, is refused as existing).
            let retry = try backup(target)
            retry.waitUntilExit()
            #expect(rows(target) == 12000, "round \(round): the retry did not produce a whole backup")
        }
        #expect(killedMidway > 0, "no backup was killed before it finished; the test proved nothing")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
            $0.contains("partial") || $0.hasSuffix("-journal")
        }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
    }
}
