import Foundation
import JSONRPC
import RPCTransport
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Clients (the Node client's tests among them) wait for the socket file to appear and then connect at once. The
/// file must therefore appear already listening: between bind() and listen() a connect is refused.
struct SocketAppearanceTests {
    @Test func theSocketFileAppearsOnlyOnceItAcceptsConnections() throws {
        var refused = 0
        for _ in 0..<30 {
            let dir = TemporaryDirectory()
            let path = dir.file("s.sock")
            let server = SocketServer(
                address: try UnixSocketAddress(path: path), core: RPCServerCore(registry: RPCMethodRegistry()))
            // A watcher connects the moment the path exists, as a client polling for it would.
            let outcome = Mutex<Int32?>(nil)
            let watcher = Thread {
                let deadline = Date().addingTimeInterval(5)
                while access(path, F_OK) != 0 && Date() < deadline {}
                let fd = try? UnixSocketAddress(path: path).connect()
                outcome.withLock { $0 = fd == nil ? ECONNREFUSED : 0 }
                if let fd { close(fd) }
            }
            watcher.start()
            try server.start()
            while outcome.withLock({ $0 }) == nil { usleep(1_000) }
            if outcome.withLock({ $0 }) != 0 { refused += 1 }
            #expect(access(path + ".new", F_OK) != 0, "the staging name is left behind")
            var st = stat()
            #expect(stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFSOCK)
            server.stopAccepting()
            server.closeConnections()
        }
        #expect(refused == 0, "\(refused) of 30 connects found the file before it listened")
    }
}
