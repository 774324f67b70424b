import ExportDeskMCP
import ExportDeskServer
import Foundation
import JSONRPC
import RPCTransport
import Support

/// `exportdesk mcp [--db PATH | --socket PATH] [--token SECRET] [--tools read|all]`: ExportDesk for AI
/// assistants, as an MCP server over stdio.
enum MCPCommand {
    static func run(_ args: ArraySlice<String>) throws -> Int32 {
        // Before any thread exists, as for serve: a signal during start-up waits for the handler.
        Signals.blockTermination()
        let a = try Arguments(args, valued: ["db", "socket", "token", "tools", "log-level", "log-format"], flags: [])
        guard a.positionals.isEmpty else {
            throw Arguments.UsageError(description: "mcp takes no argument \(a.positionals[0])")
        }
        guard a.value("db") == nil || a.value("socket") == nil else {
            throw Arguments.UsageError(
                description: "give --db (open the database here) or --socket (use a running server), not both")
        }
        Log.level = .warn
        if let level = a.value("log-level") {
            guard let l = LogLevel(name: level) else {
                throw Arguments.UsageError(
                    description: "--log-level must be one of error, warn, info, debug, not \(level)")
            }
            Log.level = l
        }
        if let format = a.value("log-format") {
            guard let f = LogFormat(rawValue: format) else {
                throw Arguments.UsageError(description: "--log-format must be text or json, not \(format)")
            }
            Log.format = f
        }
        var options = MCPServer.Options()
        let environment = ProcessInfo.processInfo.environment
        options.socketPath = a.value("socket")
        if options.socketPath == nil { options.databasePath = a.value("db") ?? environment["EXPORTDESK_DB"] }
        options.token = a.value("token") ?? environment["EXPORTDESK_TOKEN"]
        switch a.value("tools") {
        case nil: break
        case "all": options.allTools = true
        case "read": options.allTools = false
        case let other?: throw Arguments.UsageError(description: "--tools must be read or all, not \(other)")
        }
        let server: MCPServer
        do {
            server = try MCPServer(options: options)
        } catch {
            // A token that does not authenticate, a socket nobody listens on, a database that cannot open.
            printError("exportdesk mcp: \(error)")
            return 1
        }
        return server.run()
    }
}
