import ExportDeskClient
import ExportDeskServer
import Foundation
import JSON
import JSONRPC

/// How the commands that talk to a running server (`call`, `import`, `report`, `export`) reach it: the
/// socket (`--socket`, else the default), authenticated with `--token` or `EXPORTDESK_TOKEN` when given. The
/// secret is sent once, in `session.authenticate`, and never printed.
enum ServerConnection {
    static let options: Set<String> = ["socket", "token"]

    struct Failed: Error { let status: Int32 }

    /// The connection, or `Failed` after saying why on stderr (exit 2 unreachable, 1 refused token).
    static func open(_ a: Arguments) throws -> RPCConnection {
        let environment = ProcessInfo.processInfo.environment
        let path = a.value("socket") ?? ServeOptions.defaultSocketPath(environment: environment)
        let connection: RPCConnection
        do {
            connection = try RPCConnection(socketPath: path)
        } catch {
            printError("exportdesk: \(error) (is the server running? start it with: exportdesk serve --socket \(path))")
            throw Failed(status: 2)
        }
        if let token = a.value("token") ?? environment["EXPORTDESK_TOKEN"] {
            do {
                _ = try connection.call("session.authenticate", ["token": .string(token)])
            } catch let error as RPCError {
                printError("exportdesk: the token was refused: \(error.message)")
                throw Failed(status: 1)
            } catch {
                printError("exportdesk: \(error)")
                throw Failed(status: 2)
            }
        }
        return connection
    }
}
