import JSON
import Support

/// From a parsed message to its answer: batches, the checks before a handler (method, shutdown, access,
/// params), sync handlers inline and async ones as tasks, cancellation, and error mapping.
extension RPCSession {
    enum Outcome {
        case none
        case done([UInt8])
        case pending(Task<[UInt8]?, Never>)
    }

    func handleMessage(_ bytes: [UInt8]) -> [UInt8]? {
        // A single request's envelope is read member by member as it is parsed: the object is never built.
        var request = RequestEnvelope()
        let value: JSONValue?
        do {
            value = try JSONParser.parse(bytes, maxDepth: core.limits.maxDepth) { request.take($0, $1) }
        } catch {
            counters.requestReceived()
            return Self.errorBody(id: .null, .parseError(error.description))
        }
        guard let value else {
            if case .done(let body) = handleSingle(request, inBatch: false) { return body }
            return nil
        }
        guard case .array(let entries) = value else {
            if case .done(let body) = handleSingle(value, inBatch: false) { return body }
            return nil
        }
        if entries.isEmpty { return Self.errorBody(id: .null, .invalidRequest("empty batch")) }
        if entries.count > core.limits.maxBatchEntries {
            return Self.errorBody(
                id: .null,
                .invalidRequest("batch of \(entries.count) entries exceeds the limit of \(core.limits.maxBatchEntries)")
            )
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

    /// One message that is not an object or is a batch's entry.
    func handleSingle(_ message: JSONValue, inBatch: Bool) -> Outcome {
        guard case .object(let request) = message else {
            counters.requestReceived()
            return .done(Self.errorBody(id: .null, .invalidRequest("a request must be an object")))
        }
        return handleSingle(RequestEnvelope(request), inBatch: inBatch)
    }

    func handleSingle(_ request: RequestEnvelope, inBatch: Bool) -> Outcome {
        counters.requestReceived()
        let id = request.id
        if let id {
            switch id {
            case .string, .number, .null: break
            default: return .done(Self.errorBody(id: .null, .invalidRequest("id must be a string, a number or null")))
            }
        }
        let replyID = id ?? .null
        guard case .string("2.0")? = request.jsonrpc else {
            return .done(Self.errorBody(id: replyID, .invalidRequest("\"jsonrpc\" must be \"2.0\"")))
        }
        guard case .string(let method)? = request.method else {
            return .done(Self.errorBody(id: replyID, .invalidRequest("\"method\" must be a string")))
        }
        var params = request.params ?? .object(JSONObject())
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
                return isNotification
                    ? .none
                    : .done(Self.errorBody(id: replyID, Self.rpcError(from: error, method: method, label: label)))
            }
        }
        if case .array = params, !entry.acceptsPositionalParams {
            let error = RPCError.invalidParams(
                path: "", keyword: "type", "must be an object: params are passed by name, not by position")
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

        switch entry.run {
        case .inline(let handler):
            counters.requestStarted()
            defer { counters.requestFinished() }
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

        case .task(let handler):
            let admitted = running.withLock { state -> Bool in
                guard !state.closed, state.count < core.limits.maxInFlightPerConnection else { return false }
                if isNotification { state.anonymous += 1 }
                return true
            }
            guard admitted else {
                let error = RPCError.overloaded(
                    "more than \(core.limits.maxInFlightPerConnection) requests running on this connection")
                return isNotification ? .none : .done(Self.errorBody(id: replyID, error))
            }
            counters.requestStarted()
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
                        failure =
                            Task.isCancelled
                            ? .requestCancelled : Self.rpcError(from: error, method: method, label: label)
                        body = Self.errorBody(id: replyID, failure!)
                    }
                    if started > 0 { Self.logAnswered(method, label, started, failure) }
                    self.running.withLock { state in
                        if let id { state.tasks[id] = nil } else { state.anonymous -= 1 }
                    }
                    self.counters.requestFinished()
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

    func cancel(_ id: JSONValue) {
        let task = running.withLock { $0.tasks[id] }
        if let task {
            Log.debug("\(label): cancelling request \(id)")
            task.cancel()
        }
    }

    /// The debug line of one answered request: method, duration and connection, never its params.
    static func logAnswered(_ method: String, _ label: String, _ started: Double, _ failure: RPCError?) {
        var fields: JSONObject = [
            "method": .string(method),
            "durationMs": .number(JSONNumber(((MonotonicClock.now - started) * 1e6).rounded() / 1e3)),
            "connection": .string(label),
        ]
        if let failure { fields["error"] = .string(failure.reason) }
        Log.debug("answered", fields)
    }

    /// Maps anything a handler throws to a wire error; unexpected errors are logged, never sent.
    static func rpcError(from error: any Error, method: String, label: String) -> RPCError {
        switch error {
        case let e as RPCError: return e
        case let e as any RPCErrorConvertible: return e.rpcError
        case is CancellationError: return .requestCancelled
        case let e as DecodingError: return e.asInvalidParams
        default:
            Log.error("request failed: \(error)", ["method": .string(method), "connection": .string(label)])
            return .internalError
        }
    }
}
