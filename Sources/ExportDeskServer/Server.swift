import Dispatch
import ExportDeskCore
import Foundation
import JSON
import JSONRPC
import RPCTransport
import Storage
import Support
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The ExportDesk server: builds the method registry and runs the transports until EOF on stdio or a signal.
public final class Server: @unchecked Sendable {
    public let options: ServeOptions
    public let core: RPCServerCore
    private let state = ServerState()
    private var socketServer: SocketServer?
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Opens (and migrates) the database and builds the method table. Throws when the database cannot be used.
    public init(options: ServeOptions) throws {
        self.options = options
        Log.level = options.logLevel
        var storeOptions = StoreOptions()
        storeOptions.durability = options.durability
        if options.commitPerRequest { storeOptions.maxBatch = 1 }
        storeOptions.maxPageCount = options.maxDatabasePages
        let existed = Engines.exists(options.databasePath)
        let store = try Engines.open(options.databasePath, options: storeOptions)
        state.store = store
        // Another instance's commit (PostgreSQL) wakes this instance's change feed as a local one does.
        let hub = state.changeHub
        store.observeExternalCommits { [weak hub] in hub?.poke() }
        // Said at every start, on stderr: an editor that spawns `serve --stdio` without --db in some directory
        // creates an empty database there, and the user must be able to see which file is served.
        if Engines.isPostgreSQL(options.databasePath) {
            Log.info(
                "serving the PostgreSQL database \(store.location) (\(store.engine), schema \(store.schemaVersion))")
        } else {
            let absolute = URL(fileURLWithPath: options.databasePath).standardizedFileURL.path
            Log.info(existed ? "serving the database \(absolute)" : "created a new, empty database \(absolute)")
        }
        state.access = AccessControl(requireAuth: options.requireAuth)
        try state.access.load(state.store!)
        let access = state.access
        core = RPCServerCore(
            registry: MethodTable.build(options: options, state: state), limits: options.limits,
            sessionStarted: { access.sessionStarted($0) })
        state.core = core
    }

    /// Starts the transports, serves until told to stop, and returns the process exit status.
    public func run() -> Int32 {
        Signals.ignoreSIGPIPE()
        // SIGINT/SIGTERM are blocked from the start (ServeCommand): one that arrives while the transports
        // start stays pending and is taken here, once `shutdown` can see every transport.
        Signals.blockTermination()
        if let path = options.socketPath {
            do {
                let server = SocketServer(
                    address: try UnixSocketAddress(path: path), mode: mode_t(options.socketMode),
                    core: core, loopCount: options.ioThreads, inheritedFD: options.activatedSocket)
                try server.start()
                socketServer = server
                state.transports.append("socket")
            } catch {
                Log.error("cannot serve on \(path): \(error)")
                return 1
            }
        }
        if options.stdio {
            state.transports.append("stdio")
            let stdio = StdioTransport(core: core)
            let thread = Thread { [self] in
                stdio.run()
                Log.info("stdin closed; shutting down")
                shutdown()
            }
            thread.name = "exportdesk-stdio"
            thread.start()
        }
        Signals.onTermination { [self] sig in
            Log.info("received \(sig == SIGINT ? "SIGINT" : "SIGTERM"); shutting down")
            shutdown()
        }
        Log.info("exportdesk \(ExportDeskVersion.string) serving (\(state.transports.joined(separator: ", ")))")
        finished.wait()
        return 0
    }

    /// Stops like `shutdown` and returns once the database is closed (for a server embedded in another
    /// command, such as `exportdesk mcp --db`, that never called `run`).
    public func stopAndWait() {
        shutdown()
        finished.wait()
    }

    /// Stops accepting, lets running requests answer, closes connections. Safe to call more than once.
    public func shutdown() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        // Its own thread: the stop blocks (on running requests, on the loops) and must not hold a worker of
        // a dispatch queue that the process may still need meanwhile.
        Thread { [self] in
            socketServer?.stopAccepting()
            core.beginShutdown()
            let deadline = MonotonicClock.now + 30
            while core.inFlight > 0 && MonotonicClock.now < deadline { usleep(1000) }
            // Give the loops a moment to flush answers just produced.
            usleep(20_000)
            socketServer?.closeConnections()
            state.store?.close()
            Log.info("stopped after serving \(core.requestsServed) requests")
            finished.signal()
        }.start()
    }
}
