import Foundation
import JSON
import JSONRPC
import RPCTransport
import Support
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12 item 1: a closed socket connection gives back its session and its buffers.
struct ConnectionLifetimeTests {
    /// Weak references to every session the server started, so the test can see which are still alive.
    final class Sessions: Sendable {
        private final class Weak: @unchecked Sendable { weak var session: RPCSession? }
        private let all = Mutex<[Weak]>([])
        func add(_ s: RPCSession) {
            all.withLock {
                $0.append(
                    {
                        let w = Weak()
                        w.session = s
                        return w
                    }())
            }
        }
        var started: Int { all.withLock { $0.count } }
        var alive: Int { all.withLock { $0.filter { $0.session != nil }.count } }
    }

    @Test func aClosedConnectionsSessionAndBuffersAreFreed() throws {
        let sessions = Sessions()
        var registry = RPCMethodRegistry()
        registry.register(RPCMethod(name: "echo", handler: .sync { _, params in params }))
        let core = RPCServerCore(registry: registry, sessionStarted: { sessions.add($0) })
        let dir = TemporaryDirectory()
        let server = SocketServer(address: try UnixSocketAddress(path: dir.file("s.sock")), core: core)
        try server.start()
        defer {
            server.stopAccepting()
            server.closeConnections()
        }
        // One connection sends a 300 KB request and closes; others just connect and close.
        let big = String(repeating: "x", count: 300_000)
        for i in 0..<50 {
            let fd = try UnixSocketAddress(path: dir.file("s.sock")).connect()
            if i == 0 {
                let line = Array(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":{\"s\":\"\(big)\"}}\n".utf8)
                _ = line.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, msgNoSignal) }
                var answer = [UInt8](repeating: 0, count: 4096)
                _ = recv(fd, &answer, answer.count, 0)
            }
            close(fd)
        }
        let deadline = MonotonicClock.now + 10
        while (sessions.started < 50 || sessions.alive > 0 || core.connectionCount > 0) && MonotonicClock.now < deadline
        { usleep(5_000) }
        #expect(sessions.started == 50)
        #expect(sessions.alive == 0, "sessions of closed connections are still referenced")
        #expect(core.connectionCount == 0)
    }
}
