import JSON
import JSONRPC
import RPCTransport
import Support

#if canImport(Glibc)
import Glibc
#endif

/// A blocking JSON-RPC client over one stream: a Unix socket, or a child process's pipes.
///
/// Used by `exportdesk call`, the benchmark and the tests. Not thread-safe: one caller at a time.
public final class RPCConnection {
    public enum Framing: Sendable { case newlineDelimited, contentLength }

    public let framing: Framing
    private let readFD: Int32
    private let writeFD: Int32
    private var framer: MessageFramer
    private var nextID: Int64 = 1
    private var closed = false
    /// Server-to-client notifications received while waiting for answers, oldest first.
    public private(set) var notifications: [JSONValue] = []

    /// Connects to a server's Unix socket.
    public convenience init(socketPath: String, framing: Framing = .newlineDelimited) throws {
        let address = try UnixSocketAddress(path: socketPath)
        let fd: Int32
        do { fd = try address.connect() } catch { throw RPCClientError.cannotConnect(socketPath, error) }
        self.init(readFD: fd, writeFD: fd, framing: framing)
    }

    /// Talks over already-open descriptors (for example a spawned `exportdesk serve --stdio`).
    public init(readFD: Int32, writeFD: Int32, framing: Framing = .newlineDelimited) {
        self.readFD = readFD
        self.writeFD = writeFD
        self.framing = framing
        self.framer = MessageFramer(maxMessageBytes: 256 * 1024 * 1024)
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(readFD)
        if writeFD != readFD && !writeClosed { Glibc.close(writeFD) }
    }

    /// Ends the sending direction (EOF for the server) while answers can still be read.
    public func finishSending() {
        if writeFD == readFD {
            Glibc.shutdown(writeFD, Int32(SHUT_WR))
        } else if !writeClosed {
            writeClosed = true
            Glibc.close(writeFD)
        }
    }
    private var writeClosed = false

    /// Calls `method` and returns its result; a server error is thrown as `RPCError`.
    public func call(_ method: String, _ params: JSONValue? = nil, timeout: Double = 30) throws -> JSONValue {
        let id = nextID
        nextID += 1
        var request: JSONObject = ["jsonrpc": "2.0", "id": .number(.int(id)), "method": .string(method)]
        if let params { request["params"] = params }
        try send(.object(request))
        let deadline = MonotonicClock.now + timeout
        while true {
            let message = try readMessage(timeout: max(0, deadline - MonotonicClock.now))
            guard case .object(let o) = message, o["id"] == .number(.int(id)) else {
                if message["method"] != nil { notifications.append(message) }
                continue
            }
            if let error = o["error"] {
                throw RPCError(json: error) ?? RPCClientError.invalidResponse("malformed error member")
            }
            guard let result = o["result"] else { throw RPCClientError.invalidResponse("neither result nor error") }
            return result
        }
    }

    /// Sends a notification (no answer expected).
    public func notify(_ method: String, _ params: JSONValue? = nil) throws {
        var request: JSONObject = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { request["params"] = params }
        try send(.object(request))
    }

    /// Sends one JSON value as a framed message.
    public func send(_ message: JSONValue) throws { try sendBody(message.serialized()) }

    /// Sends raw bytes as one framed message body, valid JSON or not.
    public func sendBody(_ body: [UInt8]) throws {
        var out: [UInt8] = []
        switch framing {
        case .newlineDelimited:
            out = body
            out.append(0x0A)
        case .contentLength:
            out = Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
        }
        try sendRaw(out)
    }

    /// Sends bytes exactly as given, with no framing added.
    public func sendRaw(_ bytes: [UInt8]) throws {
        let fd = writeFD
        let failure = bytes.withUnsafeBytes { raw -> SystemError? in
            var offset = 0
            while offset < raw.count {
                let rest = (raw.baseAddress! + offset, raw.count - offset)
                do throws(SystemError) {
                    do throws(SystemError) {
                        offset += try syscall("send") { Glibc.send(fd, rest.0, rest.1, msgNoSignal) }
                    } catch  where error.errno == ENOTSOCK {
                        // A pipe (a spawned `serve --stdio`) takes write(), not send().
                        offset += try syscall("write") { Glibc.write(fd, rest.0, rest.1) }
                    }
                } catch {
                    return error
                }
            }
            return nil
        }
        if let failure { throw RPCClientError.io(failure) }
    }

    /// Reads the next message (response or notification), waiting at most `timeout` seconds.
    public func readMessage(timeout: Double = 30) throws -> JSONValue {
        let body = try readBody(timeout: timeout)
        do {
            return try JSONParser.parse(body, maxDepth: 10_000)
        } catch {
            throw RPCClientError.invalidResponse("\(error)")
        }
    }

    /// Reads the next framed message body as raw bytes.
    public func readBody(timeout: Double = 30) throws -> [UInt8] {
        let deadline = MonotonicClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let event = framer.next() {
                switch event {
                case .message(let body): return body
                case .oversized: throw RPCClientError.invalidResponse("message too large")
                case .malformedHeader(let why): throw RPCClientError.invalidResponse(why)
                }
            }
            let remaining = deadline - MonotonicClock.now
            if remaining <= 0 { throw RPCClientError.timedOut(timeout) }
            var pfd = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
            let wait = Int32(min(remaining * 1000 + 1, 2_000_000_000))
            let read: Int?
            do throws(SystemError) {
                guard try syscall("poll", { poll(&pfd, 1, wait) }) > 0 else { continue }
                read = try nonBlocking("read") {
                    buffer.withUnsafeMutableBytes { Glibc.read(readFD, $0.baseAddress, $0.count) }
                }
            } catch  where error.errno == ECONNRESET {
                throw RPCClientError.connectionClosed
            } catch {
                throw RPCClientError.io(error)
            }
            guard let n = read else { continue }
            if n == 0 { throw RPCClientError.connectionClosed }
            buffer.withUnsafeBytes { framer.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    /// True when the peer has closed the stream (reads EOF within `timeout`), discarding anything unread.
    public func waitForClose(timeout: Double) -> Bool {
        let deadline = MonotonicClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while MonotonicClock.now < deadline {
            var pfd = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 100)
            if ready <= 0 { continue }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(readFD, $0.baseAddress, $0.count) }
            if n == 0 || (n < 0 && errno == ECONNRESET) { return true }
        }
        return false
    }

    public var descriptor: Int32 { readFD }
}
