#if canImport(Glibc)
import Glibc
#endif
import JSON
import Synchronization

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

    /// The server's notion of who is calling (set by the server's session hook and by authentication).
    public var identity: (any Sendable)? {
        get { identityBox.withLock { $0 } }
        set { identityBox.withLock { $0 = newValue } }
    }
    private let identityBox = Mutex<(any Sendable)?>(nil)

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

    private struct Running {
        var tasks: [JSONValue: Task<[UInt8]?, Never>] = [:]
        var anonymous = 0  // notifications and batch entries running as tasks
        var closed = false
        var count: Int { tasks.count + anonymous }
    }
    private let running = Mutex(Running())
    private let framingState = Atomic<Int>(0)  // 0 newline-delimited, 1 content-length

    public init(core: RPCServerCore, output: any RPCOutput, label: String, peer: Peer = .stdio) {
        self.core = core
        self.output = output
        self.label = label
        self.peer = peer
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
                Log.warn("\(label): message of \(size) bytes exceeds the limit of \(core.limits.maxMessageBytes); skipped")
                let error = RPCError.invalidRequest("message of \(size) bytes exceeds the limit of \(core.limits.maxMessageBytes) bytes")
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
        for handler in closeHandlers.withLock({ h -> [@Sendable () -> Void] in defer { h = [] }; return h }) { handler() }
    }

    /// From a `.sync` handler: runs `block` on the reading thread right after the answers of the current read
    /// have been handed to the output, so that what it starts (notifications) cannot overtake the answer.
    public func afterAnswersSent(_ block: @escaping () -> Void) { afterSend.append(block) }

    /// Runs `handler` once when the connection is gone (at once if it already is), e.g. to end subscriptions.
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        let closed = running.withLock { $0.closed }
        if closed { handler(); return }
        closeHandlers.withLock { $0.append(handler) }
        if running.withLock({ $0.closed }) { for h in closeHandlers.withLock({ h -> [@Sendable () -> Void] in defer { h = [] }; return h }) { h() } }
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

    private func frame(_ body: [UInt8], into out: inout [UInt8]) {
        if framingState.load(ordering: .relaxed) == 1 {
            out.append(contentsOf: Array("Content-Length: \(body.count)\r\n\r\n".utf8))
            out.append(contentsOf: body)
        } else {
            out.append(contentsOf: body)
            out.append(0x0A)
        }
    }

    // MARK: dispatch

    private enum Outcome {
        case none
        case done([UInt8])
        case pending(Task<[UInt8]?, Never>)
    }

    private func handleMessage(_ bytes: [UInt8]) -> [UInt8]? {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, maxDepth: core.limits.maxDepth)
        } catch {
            core.requestReceived()
            return Self.errorBody(id: .null, .parseError(error.description))
        }
        guard case .array(let entries) = value else {
            if case .done(let body) = handleSingle(value, inBatch: false) { return body }
            return nil
        }
        if entries.isEmpty { return Self.errorBody(id: .null, .invalidRequest("empty batch")) }
        if entries.count > core.limits.maxBatchEntries {
            return Self.errorBody(id: .null, .invalidRequest("batch of \(entries.count) entries exceeds the limit of \(core.limits.maxBatchEntries)"))
        }
        var bodies: [[UInt8]] = []
        var pending: [Task<[UInt8]?, Never>] = []
        for entry in entries {
            switch handleSingle(entry, inBatch: true) {
            case .none: break
            case .done(let body): bodies.append(body)
            case .pending(let task): pending.append(task)
            }
        }
        if pending.isEmpty { return bodies.isEmpty ? nil : Self.joinArray(bodies) }
        running.withLock { $0.anonymous += 1 }
        Task {
            var all = bodies
            for t in pending { if let b = await t.value { all.append(b) } }
            if !all.isEmpty {
                var out: [UInt8] = []
                self.frame(Self.joinArray(all), into: &out)
                self.output.send(out)
            }
            self.running.withLock { $0.anonymous -= 1 }
        }
        return nil
    }

    private func handleSingle(_ message: JSONValue, inBatch: Bool) -> Outcome {
        core.requestReceived()
        guard case .object(let request) = message else {
            return .done(Self.errorBody(id: .null, .invalidRequest("a request must be an object")))
        }
        let id = request["id"]
        if let id {
            switch id {
            case .string, .number, .null: break
            default: return .done(Self.errorBody(id: .null, .invalidRequest("id must be a string, a number or null")))
            }
        }
        let replyID = id ?? .null
        guard request["jsonrpc"] == .string("2.0") else {
            return .done(Self.errorBody(id: replyID, .invalidRequest("\"jsonrpc\" must be \"2.0\"")))
        }
        guard case .string(let method)? = request["method"] else {
            return .done(Self.errorBody(id: replyID, .invalidRequest("\"method\" must be a string")))
        }
        var params = request["params"] ?? .object(JSONObject())
        switch params {
        case .object, .array: break
        default: return .done(Self.errorBody(id: replyID, .invalidRequest("\"params\" must be an object or an array")))
        }
        let isNotification = id == nil

        if method.hasPrefix("$/") {
            if method == "$/cancelRequest", let target = params["id"] { cancel(target) }
            return isNotification ? .none : .done(Self.errorBody(id: replyID, .methodNotFound(method)))
        }
        guard let entry = core.registry[method] else {
            return isNotification ? .none : .done(Self.errorBody(id: replyID, .methodNotFound(method)))
        }
        if core.isShuttingDown {
            return isNotification ? .none : .done(Self.errorBody(id: replyID, .shuttingDown))
        }
        if let authorize = entry.authorize {
            do {
                try authorize(RPCContext(session: self, requestID: id, method: method))
            } catch {
                return isNotification ? .none : .done(Self.errorBody(id: replyID, Self.rpcError(from: error, method: method, label: label)))
            }
        }
        if case .array = params, !entry.acceptsPositionalParams {
            let error = RPCError.invalidParams(path: "", keyword: "type", "must be an object: params are passed by name, not by position")
            return isNotification ? .none : .done(Self.errorBody(id: replyID, error))
        }
        if let validate = entry.validateParams {
            let issues = validate(params)
            if !issues.isEmpty {
                return isNotification ? .none : .done(Self.errorBody(id: replyID, .invalidParams(issues)))
            }
        }
        if case .object(var o) = params, o["progressToken"] != nil, entry.validateParams == nil {
            // Handlers without a schema never see the transport-level progress token.
            o["progressToken"] = nil
            params = .object(o)
        }
        let context = RPCContext(session: self, requestID: id, method: method)
        let started = Log.enabled(.debug) ? MonotonicClock.now : 0

        switch entry.handler {
        case .sync(let handler):
            core.requestStarted()
            defer { core.requestFinished() }
            let body: [UInt8]
            var failure: RPCError?
            do {
                body = Self.resultBody(id: replyID, try handler(context, params))
            } catch {
                failure = Self.rpcError(from: error, method: method, label: label)
                body = Self.errorBody(id: replyID, failure!)
            }
            if started > 0 { Self.logAnswered(method, label, started, failure) }
            return isNotification ? .none : .done(body)

        case .async(let handler):
            let admitted = running.withLock { state -> Bool in
                guard !state.closed, state.count < core.limits.maxInFlightPerConnection else { return false }
                if isNotification { state.anonymous += 1 }
                return true
            }
            guard admitted else {
                let error = RPCError.overloaded("more than \(core.limits.maxInFlightPerConnection) requests running on this connection")
                return isNotification ? .none : .done(Self.errorBody(id: replyID, error))
            }
            core.requestStarted()
            let label = self.label
            let send = !inBatch && !isNotification
            let params = params
            // The task is registered under the same lock its completion takes, so it cannot finish unregistered.
            return running.withLock { state -> Outcome in
                let task = Task<[UInt8]?, Never> {
                    var body: [UInt8]
                    var failure: RPCError?
                    do {
                        // A handler that returns has finished, cancelled or not (a write may be committed by
                        // then): its result is the truth, and only a handler that gave up answers -32800.
                        body = Self.resultBody(id: replyID, try await handler(context, params))
                    } catch {
                        failure = Task.isCancelled ? .requestCancelled : Self.rpcError(from: error, method: method, label: label)
                        body = Self.errorBody(id: replyID, failure!)
                    }
                    if started > 0 { Self.logAnswered(method, label, started, failure) }
                    self.running.withLock { state in
                        if let id { state.tasks[id] = nil } else { state.anonymous -= 1 }
                    }
                    self.core.requestFinished()
                    if isNotification { return nil }
                    if send {
                        var out: [UInt8] = []
                        self.frame(body, into: &out)
                        self.output.send(out)
                    }
                    return body
                }
                if let id { state.tasks[id] = task }
                return send || isNotification ? .none : .pending(task)
            }
        }
    }

    /// Cancels the running request with this id on this connection (`$/cancelRequest`, or another
    /// protocol's cancellation notification such as MCP's `notifications/cancelled`).
    public func cancelRequest(_ id: JSONValue) { cancel(id) }

    private func cancel(_ id: JSONValue) {
        let task = running.withLock { $0.tasks[id] }
        if let task {
            Log.debug("\(label): cancelling request \(id)")
            task.cancel()
        }
    }

    /// The debug line of one answered request: method, duration and connection, never its params.
    private static func logAnswered(_ method: String, _ label: String, _ started: Double, _ failure: RPCError?) {
        var fields: JSONObject = ["method": .string(method), "durationMs": .number(JSONNumber(((MonotonicClock.now - started) * 1e6).rounded() / 1e3)),
                                  "connection": .string(label)]
        if let failure { fields["error"] = .string(failure.reason) }
        Log.debug("answered", fields)
    }

    /// Maps anything a handler throws to a wire error; unexpected errors are logged, never sent.
    static func rpcError(from error: any Error, method: String, label: String) -> RPCError {
        switch error {
        case let e as RPCError: return e
        case is CancellationError: return .requestCancelled
        case let e as DecodingError: return e.asInvalidParams
        default:
            Log.error("request failed: \(error)", ["method": .string(method), "connection": .string(label)])
            return .internalError
        }
    }

    // MARK: serialization

    private static let resultPrefix = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
    private static let resultMember = Array(#","result":"#.utf8)
    private static let errorMember = Array(#","error":"#.utf8)
    private static let notificationPrefix = Array(#"{"jsonrpc":"2.0","method":"#.utf8)
    private static let paramsMember = Array(#","params":"#.utf8)

    public static func resultBody(id: JSONValue, _ result: JSONValue) -> [UInt8] {
        var w = JSONWriter(capacity: 64)
        w.writeRaw(resultPrefix)
        w.write(id)
        w.writeRaw(resultMember)
        w.write(result)
        w.writeRaw([UInt8(ascii: "}")])
        return w.bytes
    }

    public static func errorBody(id: JSONValue, _ error: RPCError) -> [UInt8] {
        var w = JSONWriter(capacity: 128)
        w.writeRaw(resultPrefix)
        w.write(id)
        w.writeRaw(errorMember)
        w.write(error.json)
        w.writeRaw([UInt8(ascii: "}")])
        return w.bytes
    }

    private static func joinArray(_ bodies: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, b) in bodies.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: b)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}

extension DecodingError {
    /// A decoding failure as the -32602 of SPEC §2, naming the field by JSON Pointer.
    public var asInvalidParams: RPCError {
        func pointer(_ path: [any CodingKey]) -> String {
            path.map { "/" + JSONPointer.escape($0.stringValue) }.joined()
        }
        switch self {
        case .keyNotFound(let key, let ctx):
            return .invalidParams(path: pointer(ctx.codingPath.dropLast()), keyword: "required", "must have required property '\(key.stringValue)'")
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            return .invalidParams(path: pointer(ctx.codingPath), keyword: "type", ctx.debugDescription)
        case .dataCorrupted(let ctx):
            return .invalidParams(path: pointer(ctx.codingPath), keyword: "format", ctx.debugDescription)
        @unknown default:
            return .invalidParams(path: "", keyword: "type", "is not valid")
        }
    }
}

/// Seconds on a monotonic clock, for timeouts and latencies.
public enum MonotonicClock {
    public static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
