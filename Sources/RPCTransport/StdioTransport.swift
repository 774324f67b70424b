import JSONRPC
import Support
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes framed output to a blocking descriptor (stdout), one message at a time.
final class DescriptorOutput: RPCOutput, @unchecked Sendable {
    let fd: Int32
    private let broken = Mutex(false)
    var onClose: (@Sendable () -> Void)?

    init(fd: Int32) { self.fd = fd }

    func send(_ bytes: [UInt8]) {
        broken.withLock { isBroken in
            guard !isBroken else { return }
            let failure = bytes.withUnsafeBytes { raw -> SystemError? in
                do { try writeFully(fd, raw) } catch { return error as? SystemError }
                return nil
            }
            if let failure {
                isBroken = true
                Log.warn("stdio: cannot write responses: \(failure)")
            }
        }
    }

    func close() { onClose?() }
}

/// The stdio transport: requests on stdin, responses on stdout, logs on stderr.
public final class StdioTransport: @unchecked Sendable {
    private let core: RPCServerCore
    private let inputFD: Int32
    private let outputFD: Int32
    private let closed = Atomic<Bool>(false)

    /// Takes over stdout for the protocol and points fd 1 at stderr, so a stray print cannot corrupt a message.
    public init(core: RPCServerCore) {
        self.core = core
        inputFD = 0
        outputFD = dup(1)
        dup2(2, 1)
    }

    /// Serves until EOF on stdin (or a fatal framing error), then waits for running requests to answer.
    public func run() {
        let output = DescriptorOutput(fd: outputFD)
        output.onClose = { [self] in closed.store(true, ordering: .relaxed) }
        let session = RPCSession(core: core, output: output, label: "stdio", peer: .stdio)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !closed.load(ordering: .relaxed) && !core.isShuttingDown {
            var pfd = pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0)
            guard let ready = try? syscall("poll", { poll(&pfd, 1, 1000) }) else { break }
            if ready == 0 {
                if session.incompleteMessageExpired(now: MonotonicClock.now) {
                    Log.warn(
                        "stdio: message incomplete for more than \(core.limits.incompleteMessageTimeout) s; closing")
                    break
                }
                continue
            }
            // Standard input may be a non-blocking descriptor shared with another process: would-block waits again.
            let read: Int?
            do {
                read = try nonBlocking("read") {
                    buffer.withUnsafeMutableBytes { Glibc.read(inputFD, $0.baseAddress, $0.count) }
                }
            } catch {
                break
            }
            guard let n = read else { continue }
            if n == 0 { break }
            let ok = buffer.withUnsafeBytes { session.receive(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            if !ok { break }
        }
        session.waitUntilIdle(timeout: 30)
        session.close()
    }
}
