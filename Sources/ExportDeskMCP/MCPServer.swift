import ExportDeskCore
import ExportDeskServer
import Foundation
import JSON
import JSONRPC
import RPCTransport
import Support
import Synchronization

/// `exportdesk mcp`: the Model Context Protocol over stdio (newline-delimited JSON-RPC, logs on stderr),
/// serving ExportDesk's methods as tools and its records as resources. It is a JSON-RPC server like
/// `serve --stdio` (the same session, framing and cancellation), whose methods are MCP's, and whose tools
/// call an ExportDesk server through `Upstream`.
public final class MCPServer: @unchecked Sendable {
    /// The revisions this server speaks, newest first; `initialize` answers the client's when listed here,
    /// else the newest (the specification's lifecycle).
    public static let protocolVersions = ["2025-11-25", "2025-06-18", "2025-03-26"]

    /// What `exportdesk mcp` was told.
    public struct Options: Sendable {
        public var databasePath: String?
        public var socketPath: String?
        public var token: String?
        /// Every tool the role may call (`--tools all`), or only read-only ones; nil: all with a token, read without.
        public var allTools: Bool?
        public init() {}
    }

    let upstream: Upstream
    let catalog = ToolCatalog()
    /// The tools this session offers: what the token's role may call, read-only unless all were asked for.
    private(set) var offered: [ToolCatalog.Tool] = []
    private var offeredNames: Set<String> = []
    /// The lowest level sent as notifications/message; nothing is sent until the client sets one.
    let logLevel = Mutex<Int>(Int.max)
    private(set) var session: RPCSession?

    public init(options: Options) throws {
        if let socket = options.socketPath {
            upstream = try Upstream.socket(path: socket)
        } else {
            var serve = ServeOptions()
            serve.databasePath = options.databasePath ?? ServeOptions().databasePath
            serve.logLevel = Log.level
            upstream = try Upstream.local(options: serve, viewer: options.token == nil && options.allTools != true)
        }
        try offerTools(options)
    }

    /// Authenticates upstream with the token (if any) and keeps the tools its role may use.
    private func offerTools(_ options: Options) throws {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<Role, Error> = .success(.admin)
        let upstream = self.upstream
        Task {
            do {
                if let token = options.token {
                    _ = try await upstream.call("session.authenticate", ["token": .string(token)])
                }
                let me = try await upstream.call("session.whoami")
                outcome = .success(Role(rawValue: me["role"]?.stringValue ?? "") ?? .viewer)
            } catch {
                outcome = .failure(error)
            }
            done.signal()
        }
        done.wait()
        let all = options.allTools ?? (options.token != nil)
        // Without a token and without --tools all, the assistant is a viewer, whoever runs the process.
        let role = options.token == nil && !all ? .viewer : try outcome.get()
        offered = catalog.tools.filter { $0.access.allows(role) && (all || $0.effect == .read) }
        offeredNames = Set(offered.map(\.name))
        Log.info(
            "mcp: \(offered.count) tools for role \(role.rawValue)\(all ? "" : ", read-only (pass --tools all for the others)")"
        )
    }

    /// Serves MCP on stdin/stdout until EOF; returns the exit status.
    public func run() -> Int32 {
        Signals.ignoreSIGPIPE()
        var registry = RPCMethodRegistry()
        register(in: &registry)
        let core = RPCServerCore(registry: registry, sessionStarted: { [weak self] in self?.session = $0 })
        // SIGINT/SIGTERM (blocked since the command began) stop like EOF does: the database is closed cleanly.
        let upstream = self.upstream
        Signals.onTermination { _ in
            upstream.close()
            exit(0)
        }
        StdioTransport(core: core).run()
        upstream.close()
        return 0
    }

    func register(in registry: inout RPCMethodRegistry) {
        registry.register(RPCMethod(name: "initialize", handler: .sync { [self] _, params in initialize(params) }))
        registry.register(RPCMethod(name: "ping", handler: .sync { _, _ in .object([:]) }))
        registry.register(RPCMethod(name: "notifications/initialized", handler: .sync { _, _ in .null }))
        registry.register(
            RPCMethod(
                name: "notifications/cancelled",
                handler: .sync { ctx, params in
                    if let id = params["requestId"] { ctx.session.cancelRequest(id) }
                    return .null
                }))
        registry.register(
            RPCMethod(
                name: "logging/setLevel",
                handler: .sync { [self] _, params in
                    guard let level = params["level"]?.stringValue, MCPLog.levels.contains(level) else {
                        throw RPCError.invalidParams(
                            path: "/level", keyword: "enum", "must be one of \(MCPLog.levels.joined(separator: ", "))")
                    }
                    logLevel.withLock { $0 = MCPLog.rank(level) }
                    return .object([:])
                }))
        registry.register(RPCMethod(name: "tools/list", handler: .sync { [self] _, params in try listTools(params) }))
        registry.register(
            RPCMethod(name: "tools/call", handler: .async { [self] ctx, params in try await callTool(ctx, params) }))
        MCPResources(server: self).register(in: &registry)
    }

    private func initialize(_ params: JSONValue) -> JSONValue {
        let asked = params["protocolVersion"]?.stringValue ?? ""
        let version = Self.protocolVersions.contains(asked) ? asked : Self.protocolVersions[0]
        return [
            "protocolVersion": .string(version),
            "capabilities": [
                "tools": ["listChanged": false], "resources": ["subscribe": false, "listChanged": false],
                "completions": [:], "logging": [:],
            ],
            "serverInfo": ["name": "exportdesk", "title": "ExportDesk", "version": .string(ExportDeskVersion.string)],
            "instructions": .string(Self.instructions),
        ]
    }

    static let instructions = """
        ExportDesk is the system of record of a city's export support centre and its internship programme \
        (Техностажировка): companies (exporters and host companies), support requests with curators, exhibitions \
        and business missions with participations and results, export strategies, and institutions, agreements, \
        offers, students and placements. Each tool is one ExportDesk method; its input is the method's params. \
        Lists take {filter, sort, limit, cursor, includeTotal} and answer {items, nextCursor}; page with nextCursor. \
        Records are also resources: exportdesk://companies/{id}, exportdesk://events/{id} and so on. A failed call \
        answers isError with the reason and, for invalid input, every field error (instancePath, message): fix the \
        input and call again. Names are in Russian; dates are YYYY-MM-DD; money is {amount: "1250000.00", currency}.
        """

    static let pageSize = 50

    private func listTools(_ params: JSONValue) throws -> JSONValue {
        var start = 0
        if let cursor = params["cursor"] {
            // Only a cursor this server gave out: the offset of the next page.
            guard let text = cursor.stringValue, let n = Int(text), n >= 0, n <= offered.count else {
                throw RPCError.invalidParams(path: "/cursor", keyword: "format", "is not a cursor this server gave out")
            }
            start = n
        }
        let page = offered.dropFirst(start).prefix(Self.pageSize)
        var result: JSONObject = ["tools": .array(page.map(\.definition))]
        if start + page.count < offered.count { result["nextCursor"] = .string(String(start + page.count)) }
        return .object(result)
    }

    private func callTool(_ ctx: RPCContext, _ params: JSONValue) async throws -> JSONValue {
        let name = params["name"]?.stringValue ?? ""
        guard offeredNames.contains(name), let tool = catalog.tool(named: name) else {
            throw RPCError.invalidParams(
                path: "/name", keyword: "enum", "unknown tool \(name); tools/list names the tools offered")
        }
        let arguments = params["arguments"] ?? .object([:])
        let started = MonotonicClock.now
        var progress: (@Sendable (JSONValue) -> Void)?
        if tool.reportsProgress, let token = params["_meta"]?["progressToken"] {
            let session = ctx.session
            progress = { value in
                var p: JSONObject = ["progressToken": token, "progress": value["done"] ?? 0]
                if let total = value["total"] { p["total"] = total }
                if let message = value["message"] { p["message"] = message }
                session.notify(method: "notifications/progress", params: .object(p))
            }
        }
        do {
            let result = try await upstream.call(tool.method, arguments, progress: progress)
            log(
                ctx, "info",
                [
                    "tool": .string(name),
                    "durationMs": .number(JSONNumber(((MonotonicClock.now - started) * 1000).rounded())),
                ])
            let structured: JSONValue = tool.wrapsResult ? ["result": result] : result
            return [
                "content": [["type": "text", "text": .string(result.serializedString())]],
                "structuredContent": structured, "isError": false,
            ]
        } catch let error as RPCError
            where error.code != RPCError.internalError.code && error.code != RPCError.requestCancelled.code
        {
            // A domain error is a result the model can act on: the reason, the message and every field error.
            log(ctx, "warning", ["tool": .string(name), "error": .string(error.reason)])
            var text = "\(error.reason): \(error.message)"
            for issue in error.data["errors"]?.arrayValue ?? [] {
                text += "\n\(issue["instancePath"]?.stringValue ?? "") \(issue["message"]?.stringValue ?? "")"
            }
            return [
                "content": [["type": "text", "text": .string(text)]], "structuredContent": ["error": error.json],
                "isError": true,
            ]
        }
    }

    /// `notifications/message` at `level`, when the client asked for that level (logging/setLevel).
    func log(_ ctx: RPCContext, _ level: String, _ data: JSONObject) {
        guard MCPLog.rank(level) >= logLevel.withLock({ $0 }) else { return }
        ctx.session.notify(
            method: "notifications/message",
            params: ["level": .string(level), "logger": "exportdesk", "data": .object(data)])
    }
}

/// MCP's logging levels (RFC 5424's, lowest first).
enum MCPLog {
    static let levels = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]
    static func rank(_ level: String) -> Int { levels.firstIndex(of: level) ?? 0 }
}
