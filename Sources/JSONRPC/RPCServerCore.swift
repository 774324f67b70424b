import JSON
import Synchronization

/// What all connections of one server share: the methods, the limits, the counters, the shutdown state.
public final class RPCServerCore: Sendable {
    public let registry: RPCMethodRegistry
    public let limits: RPCLimits
    private let served = StripedCounter()
    private let openConnections = Atomic<Int>(0)
    private let running = StripedCounter()
    private let sessions = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)

    /// Called for every new session (connection or stdio) before it reads anything.
    public let sessionStarted: (@Sendable (RPCSession) -> Void)?

    public init(
        registry: RPCMethodRegistry, limits: RPCLimits = RPCLimits(),
        sessionStarted: (@Sendable (RPCSession) -> Void)? = nil
    ) {
        self.registry = registry
        self.limits = limits
        self.sessionStarted = sessionStarted
    }

    public var requestsServed: Int { served.total }
    public var connectionCount: Int { openConnections.load(ordering: .relaxed) }
    /// Requests started and not yet answered, across all connections.
    public var inFlight: Int { running.total }
    public var isShuttingDown: Bool { stopping.load(ordering: .relaxed) }

    /// From now on new requests are answered SHUTTING_DOWN; running ones finish.
    public func beginShutdown() { stopping.store(true, ordering: .relaxed) }

    /// Reserves a connection slot; false when the limit is reached.
    public func openConnection() -> Bool {
        while true {
            let n = openConnections.load(ordering: .relaxed)
            if n >= limits.maxConnections { return false }
            if openConnections.compareExchange(expected: n, desired: n + 1, ordering: .relaxed).exchanged {
                return true
            }
        }
    }

    public func closeConnection() { openConnections.subtract(1, ordering: .relaxed) }

    /// The counters a new session adds to: consecutive sessions get different stripes, so connections on
    /// different I/O threads rarely share one.
    func counters() -> SessionCounters {
        let n = sessions.add(1, ordering: .relaxed).newValue
        return SessionCounters(served: served.stripe(n), running: running.stripe(n))
    }

    /// One session's stripes of the server's request counters.
    struct SessionCounters: Sendable {
        let served: StripedCounter.Stripe
        let running: StripedCounter.Stripe
        /// Counts one request or notification received, whatever its outcome.
        func requestReceived() { served.value.add(1, ordering: .relaxed) }
        func requestStarted() { running.value.add(1, ordering: .relaxed) }
        func requestFinished() { running.value.subtract(1, ordering: .relaxed) }
    }
}
