import JSON
import JSONRPC
import Support

/// `system.ping` and `system.info`: liveness and what the server is doing.
struct SystemMethods {
    let server: ServerState

    struct Ping: Encodable { let pong = true }

    struct Info: Encodable {
        let version: String
        let startedAt: String
        let uptimeSeconds: Double
        let connections: Int
        let requestsServed: Int
        let requestsRunning: Int
        let transports: [String]
        let pid: Int32
        let databasePath: String?
        let databaseEngine: String?
        let databaseSizeBytes: Int64?
        let schemaVersion: Int?
        let writeTransactions: Int?
    }

    func register(in registry: inout MethodSet) {
        // The ping result is constant, so it is built once.
        let pong: JSONValue = ["pong": true]
        registry.register(ServerMethod(name: "system.ping", handler: .sync { _, _ in pong }), access: .anyone)
        registry.register("system.info", NoParams.self, access: .anyRole) { [server] _, _ in
            Info(
                version: ExportDeskVersion.string,
                startedAt: WallClock.rfc3339(server.startedAtWall),
                uptimeSeconds: (MonotonicClock.now - server.startedAt).rounded(toPlaces: 3),
                connections: server.core?.connectionCount ?? 0,
                requestsServed: server.core?.requestsServed ?? 0,
                requestsRunning: server.core?.inFlight ?? 0,
                transports: server.transports,
                pid: server.pid,
                databasePath: server.store?.location,
                databaseEngine: server.store?.engine,
                databaseSizeBytes: server.store?.size,
                schemaVersion: server.store?.schemaVersion,
                writeTransactions: server.store?.commitCount)
        }
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
