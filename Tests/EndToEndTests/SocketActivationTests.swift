import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12 item 20: `exportdesk serve` takes over a listening socket passed by systemd (LISTEN_FDS), so a
/// client may connect before the server runs, and a restart under the same socket loses no call.
struct SocketActivationTests {
    static let activator = "/usr/bin/systemd-socket-activate"
    static let haveActivator = FileManager.default.isExecutableFile(atPath: activator)
    static let havePython =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
        || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/python3")

    @Test(.enabled(if: haveActivator, "systemd-socket-activate (Debian's systemd package) is not installed"))
    func aClientThatConnectsBeforeTheServerRunsIsAnswered() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("act.sock")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.activator)
        p.arguments = ["-l", path, RepositoryPaths.exportdesk, "serve", "--db", dir.database()]
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer {
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
        }
        // The activator holds the socket; ExportDesk is started by this very connection. The path exists
        // from the activator's bind(), a moment before its listen(): until then a connect is refused.
        let deadline = Date().addingTimeInterval(10)
        var connection: RPCConnection?
        while connection == nil {
            do {
                connection = try RPCConnection(socketPath: path)
            } catch  where Date() < deadline {
                usleep(5_000)
            }
        }
        let c = connection!
        let info = try c.call("system.info")
        #expect(info["transports"] == ["socket"])
        #expect(
            info["pid"]?.int64Value == Int64(p.processIdentifier), "the activator exec'd the server in its own process")
        c.close()
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    /// A supervisor like systemd's: it owns the listening socket and starts each server with it as fd 3.
    static let supervisor = #"""
        import os, signal, socket, subprocess, sys
        path, exe, db = sys.argv[1:4]
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.listen(128)
        if s.fileno() != 3:
            os.dup2(s.fileno(), 3)
        def start():
            return subprocess.Popen(["/bin/sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" "$@"', exe, "serve", "--db", db],
                                    pass_fds=(3,), stderr=subprocess.DEVNULL)
        child = start()
        print("started", flush=True)
        for line in sys.stdin:
            child.send_signal(signal.SIGTERM)
            status = child.wait()
            child = start()
            print("restarted %d" % status, flush=True)
        child.send_signal(signal.SIGTERM)
        print("stopped %d" % child.wait(), flush=True)
        """#

    @Test(.enabled(if: havePython, "python3 is not installed"))
    func aRestartUnderTheSameSocketLosesNoCall() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("svc.sock")
        try Self.supervisor.write(toFile: dir.file("supervise.py"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", dir.file("supervise.py"), path, RepositoryPaths.exportdesk, dir.database()]
        let control = Pipe()
        let report = Pipe()
        p.standardInput = control
        p.standardOutput = report
        try p.run()
        defer {
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
        }
        let lines = LineReader(report.fileHandleForReading)
        #expect(lines.next() == "started")
        let total = 400
        var retries = 0
        var connection: RPCConnection?
        var restarts: [String] = []
        for i in 0..<total {
            if i == 100 || i == 250 { control.fileHandleForWriting.write(Data("restart\n".utf8)) }
            // The client retries what was not answered: a closed connection, or SHUTTING_DOWN while it drains.
            var done = false
            while !done {
                do {
                    if connection == nil { connection = try RPCConnection(socketPath: path) }
                    _ = try connection!.call(
                        "companies.create",
                        ["name": .string("Компания \(i)"), "idempotencyKey": .string("create-\(i)")], timeout: 20)
                    done = true
                } catch let e as RPCError where e.reason == "SHUTTING_DOWN" {
                    connection = nil
                    retries += 1
                } catch is RPCClientError {
                    connection = nil
                    retries += 1
                    usleep(2_000)
                }
            }
            if i == 120 || i == 270 { restarts.append(lines.next() ?? "") }
        }
        let c = try RPCConnection(socketPath: path)
        let listed = try c.call("companies.list", ["includeTotal": true, "limit": 1])
        #expect(listed["total"]?.int64Value == Int64(total), "every call answered exactly once across the restarts")
        #expect(restarts == ["restarted 0", "restarted 0"], "each old instance stopped cleanly")
        c.close()
        try control.fileHandleForWriting.close()
        #expect(lines.next() == "stopped 0")
        #expect(retries > 0, "the restarts happened while the client was calling")
    }
}

extension SocketActivationTests {
    static let analyzer = "/usr/bin/systemd-analyze"

    /// `exportdesk service units` prints units that systemd itself accepts, for the installed binary.
    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: analyzer), "systemd-analyze is not installed"),
        arguments: [false, true])
    func theServiceUnitsAreOnesSystemdAccepts(user: Bool) throws {
        let dir = TemporaryDirectory()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
        p.arguments = ["service", "units", "--db", dir.file("x.sqlite")] + (user ? ["--user"] : [])
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(
            text.contains(
                "ExecStart=\(URL(fileURLWithPath: RepositoryPaths.exportdesk).resolvingSymlinksInPath().path) serve --db \(dir.file("x.sqlite"))"
            ))
        for key in [
            "NoNewPrivileges=yes", "ProtectSystem=strict", "Restart=on-failure", "StateDirectory=exportdesk",
            "ListenStream=",
        ] {
            #expect(text.contains(key), "\(key) missing")
        }
        #expect(text.contains("DynamicUser=yes") == !user)
        // Split the two files out of the output and let systemd check them.
        var files: [String: [String]] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# exportdesk.socket") {
                current = "exportdesk.socket"
                continue
            }
            if line.hasPrefix("# exportdesk.service") {
                current = "exportdesk.service"
                continue
            }
            if line.hasPrefix("# then") { current = nil }
            if let current { files[current, default: []].append(String(line)) }
        }
        for (name, lines) in files {
            try lines.joined(separator: "\n").write(toFile: dir.file(name), atomically: true, encoding: .utf8)
        }
        let verify = Process()
        verify.executableURL = URL(fileURLWithPath: Self.analyzer)
        verify.arguments =
            ["verify"] + (user ? ["--user"] : []) + [dir.file("exportdesk.socket"), dir.file("exportdesk.service")]
        let err = Pipe()
        verify.standardError = err
        verify.standardOutput = FileHandle.nullDevice
        try verify.run()
        let complaints = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        verify.waitUntilExit()
        #expect(files.count == 2)
        #expect(!complaints.contains("Unknown") && !complaints.contains("Invalid"), "systemd-analyze: \(complaints)")
    }
}
