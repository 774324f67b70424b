import ExportDeskSchemas
import JSON
import JSONRPC
import Support

/// `system.ping` and `system.info`: liveness and what the server is doing.
struct SystemMethods {
    let server: ServerState

    func register(in registry: inout MethodSet) {
        registry.registerInline("system.ping", Params.SystemPing.self, access: .anyone) { _, _ in
            Results.SystemPing(pong: true)
        }
        registry.registerInline("system.info", Params.SystemInfo.self, access: .anyRole) { [server] _, _ in
            Results.SystemInfo(
                version: ExportDeskVersion.string,
                startedAt: WallClock.rfc3339(server.startedAtWall),
                uptimeSeconds: JSONNumber((MonotonicClock.now - server.startedAt).rounded(toPlaces: 3)),
                connections: Int64(server.core?.connectionCount ?? 0),
                requestsServed: Int64(server.core?.requestsServed ?? 0),
                requestsRunning: Int64(server.core?.inFlight ?? 0),
                transports: server.transports.compactMap(Results.SystemInfo.Transport.init(rawValue:)),
                pid: Int64(server.pid),
                databasePath: server.store?.location,
                databaseEngine: server.store?.engine,
                databaseSizeBytes: server.store?.size,
                schemaVersion: (server.store?.schemaVersion).map(Int64.init),
                writeTransactions: (server.store?.commitCount).map(Int64.init))
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
