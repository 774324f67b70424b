import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import Support
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The socket transport under the conditions SPEC §1 names: many clients, bad clients, limits, shutdown.
struct SocketServerTests {
    @Test func thousandConcurrentConnectionsAreAllServed() throws {
        raiseOpenFileLimit(4096)
        let server = try ServerProcess()
        defer { server.stop() }
        var connections: [RPCConnection] = []
        for _ in 0..<1000 { connections.append(try server.connect()) }
        for (i, c) in connections.enumerated() {
            try c.send(["jsonrpc": "2.0", "id": .number(JSONNumber(i)), "method": "system.ping"])
        }
        for (i, c) in connections.enumerated() {
            let reply = try c.readMessage(timeout: 20)
            #expect(reply["id"] == .number(JSONNumber(i)) && reply["result"]?["pong"] == true)
        }
        let info = try connections[0].call("system.info")
        #expect((info["connections"]?.int64Value ?? 0) >= 1000)
    }

    @Test func pipelinedRequestsOnOneConnectionAreAllAnswered() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let c = try server.connect()
        var bytes: [UInt8] = []
        for i in 0..<2000 { bytes += Array(#"{"jsonrpc":"2.0","id":\#(i),"method":"system.ping"}"#.utf8) + [0x0A] }
        try c.sendRaw(bytes)
        var seen = Set<Int64>()
        for _ in 0..<2000 { seen.insert(try c.readMessage(timeout: 10)["id"]?.int64Value ?? -1) }
        #expect(seen == Set(0..<2000))
    }

    @Test func aClientThatStopsReadingStallsNobodyElse() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let stalled = try server.connect()
        // Flood requests and never read the answers; the writer blocks once buffers fill, on its own thread.
        let fd = stalled.descriptor
        let writer = Thread {
            let line = Array(#"{"jsonrpc":"2.0","id":1,"method":"system.info"}"#.utf8) + [0x0A]
            let chunk = Array((0..<500).map { _ in line }.joined())
            for _ in 0..<2000 {
                let ok = chunk.withUnsafeBytes { raw -> Bool in
                    var off = 0
                    while off < raw.count {
                        let n = send(fd, raw.baseAddress! + off, raw.count - off, Int32(MSG_NOSIGNAL))
                        if n <= 0 { return false }
                        off += n
                    }
                    return true
                }
                if !ok { return }
            }
        }
        writer.start()
        usleep(500_000)
        let other = try server.connect()
        for _ in 0..<50 {
            let started = MonotonicClock.now
            #expect(try other.call("system.ping", timeout: 5)["pong"] == true)
            #expect(MonotonicClock.now - started < 1.0)
        }
        let fresh = try server.connect()
        #expect(try fresh.call("system.ping", timeout: 5)["pong"] == true)
        shutdown(fd, Int32(SHUT_RDWR))
    }

    @Test func oversizedMessagesAreRefusedAndTheConnectionResynchronises() throws {
        let server = try ServerProcess(arguments: ["--max-message-bytes", "1000"])
        defer { server.stop() }
        for framing in [RPCConnection.Framing.newlineDelimited, .contentLength] {
            let c = try server.connect(framing: framing)
            let big =
                #"{"jsonrpc":"2.0","id":1,"method":"system.ping","params":{"pad":""#
                + String(repeating: "x", count: 5000) + #""}}"#
            try c.sendBody(Array(big.utf8))
            let reply = try c.readMessage()
            #expect(reply["error"]?["code"] == -32600, "\(framing)")
            #expect(reply["error"]?["message"]?.stringValue?.contains("exceeds the limit of 1000") == true)
            #expect(try c.call("system.ping")["pong"] == true, "the same connection still works (\(framing))")
        }
    }

    @Test func aHalfSentMessageIsDroppedAfterTheTimeoutWithoutBlockingOthers() throws {
        let server = try ServerProcess(arguments: ["--incomplete-timeout", "0.5"])
        defer { server.stop() }
        let half = try server.connect()
        try half.sendRaw(Array(#"{"jsonrpc":"2.0","id":1,"meth"#.utf8))
        let other = try server.connect()
        #expect(try other.call("system.ping")["pong"] == true)
        #expect(half.waitForClose(timeout: 5), "the incomplete connection is closed")
        #expect(try other.call("system.ping")["pong"] == true)
        #expect(server.stderrEventuallyContains("incomplete"))
    }

    @Test func connectionsBeyondTheLimitAreToldWhyAndClosed() throws {
        let server = try ServerProcess(arguments: ["--max-connections", "3"])
        // ServerProcess's readiness probe used one connection and closed it; give the server a moment to notice.
        usleep(200_000)
        defer { server.stop() }
        let kept = try (0..<3).map { _ in try server.connect() }
        for c in kept { #expect(try c.call("system.ping")["pong"] == true) }
        let refused = try server.connect()
        let reply = try refused.readMessage(timeout: 5)
        #expect(reply["error"]?["data"]?["reason"] == "OVERLOADED")
        #expect(refused.waitForClose(timeout: 5))
        #expect(try kept[0].call("system.ping")["pong"] == true)
    }

    @Test func socketIsPrivateStaleFilesReplacedLiveServersRefused() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("s.sock")
        // A stale socket file left by a dead server.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in raw.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        close(fd)
        #expect(FileManager.default.fileExists(atPath: path))

        let server = try ServerProcess(directory: dir)
        defer { server.stop() }
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(try server.connect().call("system.ping")["pong"] == true)

        let second = Process()
        second.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
        second.arguments = ["serve", "--socket", path, "--db", dir.file("second.sqlite")]
        let err = Pipe()
        second.standardError = err
        try second.run()
        second.waitUntilExit()
        #expect(second.terminationStatus != 0)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("already listening"))
        #expect(try server.connect().call("system.ping")["pong"] == true, "the live server is untouched")
    }

    @Test func aRegularFileIsNeverReplacedBySocket() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("precious.txt")
        try "keep me".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ServerProcess.LaunchError.self) {
            try ServerProcess(directory: dir, socketName: "precious.txt")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func gracefulShutdownRemovesTheSocketFile(signal: Int32) throws {
        let server = try ServerProcess()
        let c = try server.connect()
        #expect(try c.call("system.ping")["pong"] == true)
        #expect(server.stop(signal: signal) == 0)
        #expect(!FileManager.default.fileExists(atPath: server.socketPath!))
        #expect(server.stderrEventuallyContains("shutting down"))
    }
}

func raiseOpenFileLimit(_ n: rlim_t) {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    if limit.rlim_cur < n {
        limit.rlim_cur = min(n, limit.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
