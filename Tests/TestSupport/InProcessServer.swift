import ExportDeskClient
import ExportDeskServer
import Foundation
import Glibc
import JSONRPC
import RPCTransport
import Synchronization

/// A server in the test's own process: the same `Server` the binary runs, opened on the test's database,
/// with each connection a socketpair whose far end feeds an `RPCSession` as the owner (like `serve --stdio`).
/// Tests talk to it through the same `RPCConnection` they use with the binary, so one scenario runs either
/// way (`TestServer.start(.inProcess)` / `.binary`); in-process it skips a process start and its build.
public final class InProcessServer: TestServer, @unchecked Sendable {
    public let directory: TemporaryDirectory
    private let server: Server
    private let sessions = Mutex<[(RPCSession, Int32)]>([])
    private let stopped = Atomic<Bool>(false)

    public init(arguments: [String] = [], directory: TemporaryDirectory = TemporaryDirectory()) throws {
        self.directory = directory
        var options = ServeOptions()
        options.databasePath = directory.database()
        options.validateResults = true
        var i = arguments.startIndex
        while i < arguments.endIndex {
            if arguments[i] == "--db", i + 1 < arguments.endIndex {
                options.databasePath = arguments[i + 1]
                i += 1
            }
            i += 1
        }
        server = try Server(options: options)
    }

    public func connect(framing: RPCConnection.Framing = .newlineDelimited) throws -> RPCConnection {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        let far = fds[1]
        let session = RPCSession(
            core: server.core, output: DescriptorOutput(fd: far), label: "in-process", peer: .stdio)
        sessions.withLock { $0.append((session, far)) }
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(far, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                _ = buffer.withUnsafeBytes { session.receive(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
            session.close()
        }
        reader.name = "in-process-session"
        reader.start()
        return RPCConnection(readFD: fds[0], writeFD: fds[0], framing: framing)
    }

    /// Lets running requests answer, closes the sessions and stops the server (the signal is not used).
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 20) -> Int32? {
        // Once: Server.stopAndWait waits for the one signal its stop gives.
        guard !stopped.exchange(true, ordering: .relaxed) else { return 0 }
        for (session, fd) in sessions.withLock({ s in
            defer { s = [] }
            return s
        }) {
            session.waitUntilIdle(timeout: 10)
            Glibc.shutdown(fd, Int32(SHUT_RDWR))
        }
        server.stopAndWait()
        return 0
    }

    deinit { _ = stop(signal: SIGTERM, timeout: 10) }
}

/// A session's answers, written to its end of the socketpair.
private final class DescriptorOutput: RPCOutput, @unchecked Sendable {
    let fd: Int32
    private let lock = NSLock()
    init(fd: Int32) { self.fd = fd }
    func send(_ bytes: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        bytes.withUnsafeBytes { try? writeFully(fd, $0) }
    }
    func close() { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
}

/// A server a test talks to, in-process or the built binary: connect, and stop.
public protocol TestServer: AnyObject, Sendable {
    var directory: TemporaryDirectory { get }
    func connect(framing: RPCConnection.Framing) throws -> RPCConnection
    @discardableResult func stop(signal: Int32, timeout: Double) -> Int32?
}

extension TestServer {
    public func connect() throws -> RPCConnection { try connect(framing: .newlineDelimited) }
    @discardableResult public func stop() -> Int32? { stop(signal: SIGTERM, timeout: 20) }
}

extension ServerProcess: TestServer {}

/// Where a scenario runs: in this process (fast, most domain scenarios) or against the built binary (the
/// transports, signals and process lifetime too).
public enum Harness: String, CaseIterable, Sendable, CustomStringConvertible {
    case inProcess, binary
    public var description: String { rawValue }

    public func start(
        arguments: [String] = [], directory: TemporaryDirectory = TemporaryDirectory()
    ) throws -> any TestServer {
        switch self {
        case .inProcess: return try InProcessServer(arguments: arguments, directory: directory)
        case .binary: return try ServerProcess(arguments: arguments, directory: directory)
        }
    }
}
