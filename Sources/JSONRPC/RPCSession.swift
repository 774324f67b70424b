import JSON
import Support
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One JSON-RPC conversation over one byte stream (a socket connection or stdio).
///
/// The transport feeds received bytes to `receive` from a single reading thread. Synchronous methods answer
/// inline, and all answers produced by one read go out in one write; asynchronous methods answer from their
/// task when they finish. The session knows no sockets: it writes through its `RPCOutput`.
public final class RPCSession: @unchecked Sendable {
    public let core: RPCServerCore
    public let output: any RPCOutput
    /// A label for logs ("stdio", "socket#12").
    public let label: String

    /// What is at the other end of the stream.
    public enum Peer: Sendable, Equatable {
        case stdio
        /// A socket peer, with its uid from SO_PEERCRED when the kernel told it.
        case socket(uid: Int?)
    }
    public let peer: Peer

    /// The server's notion of who is calling (set by the server's session hook and by authentication). An
    /// object, because every request reads it back: a class cast, where a value in an `any Sendable` was a
    /// dynamic cast and a copy of its fields.
    public var identity: (any AnyObject & Sendable)? {
        get { identityBox.withLock { $0 } }
        set { identityBox.withLock { $0 = newValue } }
    }
    private let identityBox = Mutex<(any AnyObject & Sendable)?>(nil)

    /// Who is acting on this connection, recorded in the change log ("local" until access control binds a token).
    public var actor: String {
        get { actorName.withLock { $0 } }
        set { actorName.withLock { $0 = newValue } }
    }
    private let actorName = Mutex("local")

    // Touched only by the reading thread.
    private var framer: MessageFramer
    private var afterSend: [() -> Void] = []
    private var partialStartedAt: Double?

    struct Running {
        var tasks: [JSONValue: Task<[UInt8]?, Never>] = [:]
        var anonymous = 0  // notifications and batch entries running as tasks
        var closed = false
        var count: Int { tasks.count + anonymous }
    }
    let running = Mutex(Running())
    let counters: RPCServerCore.SessionCounters
    private let framingState = Atomic<Int>(0)  // 0 newline-delimited, 1 content-length

    public init(core: RPCServerCore, output: any RPCOutput, label: String, peer: Peer = .stdio) {
        self.core = core
        self.output = output
        self.label = label
        self.peer = peer
        self.counters = core.counters()
        self.framer = MessageFramer(maxMessageBytes: core.limits.maxMessageBytes)
        core.sessionStarted?(self)
    }

    // MARK: input

    /// Processes received bytes. Returns false when the stream cannot continue and must be closed.
    public func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        framer.append(bytes)
        var out: [UInt8] = []
        var keepOpen = true
        while let event = framer.next() {
            if framer.framing == .contentLength { framingState.store(1, ordering: .relaxed) }
            switch event {
            case .message(let body):
                if let response = handleMessage(body) { frame(response, into: &out) }
            case .oversized(let size):
                Log.warn(
                    "\(label): message of \(size) bytes exceeds the limit of \(core.limits.maxMessageBytes); skipped")
                let error = RPCError.invalidRequest(
                    "message of \(size) bytes exceeds the limit of \(core.limits.maxMessageBytes) bytes")
                frame(Self.errorBody(id: .null, error), into: &out)
            case .malformedHeader(let why):
                Log.warn("\(label): malformed Content-Length header (\(why)); closing")
                frame(Self.errorBody(id: .null, .parseError("malformed message header: \(why)")), into: &out)
                keepOpen = false
            }
            if !keepOpen { break }
        }
        if !out.isEmpty { output.send(out) }
        if !afterSend.isEmpty {
            let blocks = afterSend
            afterSend = []
            for block in blocks { block() }
        }
        if framer.hasPartialMessage {
            if partialStartedAt == nil { partialStartedAt = MonotonicClock.now }
        } else {
            partialStartedAt = nil
        }
        return keepOpen
    }

    /// True when a message has been incomplete for longer than the limit (checked by the transport's sweeper).
    public func incompleteMessageExpired(now: Double) -> Bool {
        guard let started = partialStartedAt else { return false }
        return now - started > core.limits.incompleteMessageTimeout
    }

    /// Requests of this session that are still running.
    public var runningCount: Int { running.withLock { $0.count } }

    /// Cancels every running request and runs the close handlers; called when the connection is gone.
    public func close() {
        let tasks = running.withLock { state -> [Task<[UInt8]?, Never>] in
            state.closed = true
            return Array(state.tasks.values)
        }
        for t in tasks { t.cancel() }
        for handler in closeHandlers.withLock({ h -> [@Sendable () -> Void] in
            defer { h = [] }
            return h
        }) { handler() }
    }

    /// From a `.sync` handler: runs `block` on the reading thread right after the answers of the current read
    /// have been handed to the output, so that what it starts (notifications) cannot overtake the answer.
    public func afterAnswersSent(_ block: @escaping () -> Void) { afterSend.append(block) }

    /// Runs `handler` once when the connection is gone (at once if it already is), e.g. to end subscriptions.
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        let closed = running.withLock { $0.closed }
        if closed {
            handler()
            return
        }
        closeHandlers.withLock { $0.append(handler) }
        if running.withLock({ $0.closed }) {
            for h in closeHandlers.withLock({ h -> [@Sendable () -> Void] in
                defer { h = [] }
                return h
            }) { h() }
        }
    }
    private let closeHandlers = Mutex<[@Sendable () -> Void]>([])

    /// Blocks the calling (non-cooperative) thread until no request of this session is running.
    public func waitUntilIdle(timeout: Double) {
        let deadline = MonotonicClock.now + timeout
        while runningCount > 0 && MonotonicClock.now < deadline { usleep(1000) }
    }

    // MARK: output

    /// Sends a server-to-client notification on this connection.
    public func notify(method: String, params: JSONValue) {
        var w = JSONWriter(capacity: 128)
        w.writeRaw(Self.notificationPrefix)
        w.writeString(method)
        w.writeRaw(Self.paramsMember)
        w.write(params)
        w.writeRaw([UInt8(ascii: "}")])
        var out: [UInt8] = []
        frame(w.bytes, into: &out)
        output.send(out)
    }

    func frame(_ body: [UInt8], into out: inout [UInt8]) {
        if framingState.load(ordering: .relaxed) == 1 {
            out.append(contentsOf: Array("Content-Length: \(body.count)\r\n\r\n".utf8))
            out.append(contentsOf: body)
        } else {
            out.append(contentsOf: body)
            out.append(0x0A)
        }
    }
}
