import ExportDeskCore
import ExportDeskServer
import Foundation
import JSONRPC
import RPCTransport
import SQLiteStore
import Storage
import Support

enum ServeCommand {
    static let valued: Set<String> = [
        "socket", "socket-mode", "log-level", "log-format", "max-message-bytes", "max-batch", "max-depth",
        "max-connections", "incomplete-timeout", "io-threads", "db", "durability", "max-db-pages",
    ]
    static let flags: Set<String> = [
        "stdio", "spec-examples", "validate-results", "commit-per-request", "require-auth",
    ]

    static func run(_ args: ArraySlice<String>) throws -> Int32 {
        // Before any thread exists, so that every thread inherits the mask and no SIGTERM is ever lost.
        Signals.blockTermination()
        let a = try Arguments(args, valued: valued, flags: flags)
        guard a.positionals.isEmpty else {
            throw Arguments.UsageError(description: "serve takes no argument \(a.positionals[0])")
        }
        var options = ServeOptions()
        options.stdio = a.flag("stdio")
        options.socketPath = a.value("socket")
        if let fd = try activatedSocket() {
            // systemd's socket is the one clients know; a --socket beside it would be a second, unknown one.
            options.activatedSocket = fd
            let path = SocketActivation.path(of: fd)
            options.socketPath = path.isEmpty ? "systemd-socket" : path  // an abstract socket has no file name
        } else if !options.stdio && options.socketPath == nil {
            options.socketPath = ServeOptions.defaultSocketPath(environment: ProcessInfo.processInfo.environment)
        }
        if let mode = a.value("socket-mode") {
            guard let m = UInt32(mode, radix: 8), m <= 0o777 else {
                throw Arguments.UsageError(description: "--socket-mode must be an octal mode such as 0600, not \(mode)")
            }
            options.socketMode = m
        }
        if let level = a.value("log-level") {
            guard let l = LogLevel(name: level) else {
                throw Arguments.UsageError(
                    description: "--log-level must be one of error, warn, info, debug, not \(level)")
            }
            options.logLevel = l
        }
        if let format = a.value("log-format") {
            guard let f = LogFormat(rawValue: format) else {
                throw Arguments.UsageError(description: "--log-format must be text or json, not \(format)")
            }
            Log.format = f
        }
        options.limits.maxMessageBytes =
            try a.int("max-message-bytes", range: 64...(1 << 30)) ?? options.limits.maxMessageBytes
        options.limits.maxBatchEntries = try a.int("max-batch", range: 1...100_000) ?? options.limits.maxBatchEntries
        options.limits.maxDepth = try a.int("max-depth", range: 2...10_000) ?? options.limits.maxDepth
        options.limits.maxConnections =
            try a.int("max-connections", range: 1...1_000_000) ?? options.limits.maxConnections
        options.limits.incompleteMessageTimeout =
            try a.double("incomplete-timeout", range: 0.01...86_400) ?? options.limits.incompleteMessageTimeout
        options.ioThreads = try a.int("io-threads", range: 1...64) ?? options.ioThreads
        options.specExamples = a.flag("spec-examples")
        options.validateResults = a.flag("validate-results")
        options.databasePath =
            a.value("db") ?? ProcessInfo.processInfo.environment["EXPORTDESK_DB"] ?? options.databasePath
        if let d = a.value("durability") {
            guard let durability = Durability(rawValue: d) else {
                throw Arguments.UsageError(description: "--durability must be full or normal, not \(d)")
            }
            options.durability = durability
        }
        options.commitPerRequest = a.flag("commit-per-request")
        options.requireAuth = a.flag("require-auth")
        options.maxDatabasePages = try a.int("max-db-pages", range: 16...Int(Int32.max))
        raiseFileLimit(for: options.limits.maxConnections)
        let server: Server
        do {
            server = try Server(options: options)
        } catch {
            printError("exportdesk: cannot open the database \(Engines.shown(options.databasePath)): \(error)")
            return 1
        }
        return server.run()
    }

    private static func activatedSocket() throws -> Int32? {
        do {
            return try SocketActivation.listener()
        } catch let error as SocketActivation.Misconfigured {
            throw Arguments.UsageError(description: error.description)
        }
    }

    /// Lifts the open-file soft limit so that the configured number of connections can be accepted.
    private static func raiseFileLimit(for connections: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let wanted = rlim_t(connections + 64)
        if limit.rlim_cur < wanted {
            limit.rlim_cur = min(wanted, limit.rlim_max)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}
