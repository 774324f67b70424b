import Foundation
import JSON
import JSONRPC
import RPCTransport
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An async/await client: many calls in flight on one connection, answers matched by id, Codable params and
/// results, server notifications as an `AsyncStream`.
public final class ExportDeskClient: Sendable {
    private let connection: UncheckedBox<RPCConnection>
    private let writeLock = Mutex(())
    private let state = Mutex(State())
    /// Server-to-client notifications (`$/progress`, `changes.notify`, …), in arrival order.
    public let notifications: AsyncStream<JSONValue>
    private let notificationSink: AsyncStream<JSONValue>.Continuation

    private struct State {
        var nextID: Int64 = 1
        var waiting: [Int64: CheckedContinuation<JSONValue, Error>] = [:]
        var closed = false
    }

    /// Connects to a server's Unix socket.
    public convenience init(socketPath: String) throws {
        try self.init(connection: RPCConnection(socketPath: socketPath))
    }

    /// Takes over an open connection (for example the pipes of a spawned `exportdesk serve --stdio`).
    public init(connection: RPCConnection) {
        self.connection = UncheckedBox(connection)
        (notifications, notificationSink) = AsyncStream.makeStream()
        let thread = Thread { [self] in readLoop() }
        thread.name = "exportdesk-client"
        thread.start()
    }

    /// Calls `method` and decodes its result; a server error is thrown as `RPCError`.
    public func call<Params: Encodable & Sendable, Result: Decodable>(
        _ method: String, _ params: Params, as: Result.Type = Result.self
    ) async throws -> Result {
        let value = try await call(method, try JSONValueEncoder().encode(params))
        return try JSONValueDecoder().decode(Result.self, from: value)
    }

    /// Calls `method` with JSON params and returns the JSON result.
    public func call(_ method: String, _ params: JSONValue = [:]) async throws -> JSONValue {
        try await withCheckedThrowingContinuation { continuation in
            let id = state.withLock { s -> Int64? in
                guard !s.closed else { return nil }
                defer { s.nextID += 1 }
                s.waiting[s.nextID] = continuation
                return s.nextID
            }
            guard let id else { return continuation.resume(throwing: RPCClientError.connectionClosed) }
            do {
                try writeLock.withLock { _ in
                    try connection.value.send([
                        "jsonrpc": "2.0", "id": .number(.int(id)), "method": .string(method), "params": params,
                    ])
                }
            } catch {
                if let c = state.withLock({ $0.waiting.removeValue(forKey: id) }) { c.resume(throwing: error) }
            }
        }
    }

    /// Ends the connection; calls still waiting fail with `connectionClosed`.
    public func close() {
        connection.value.finishSending()
    }

    private func readLoop() {
        while true {
            let message: JSONValue
            do {
                message = try connection.value.readMessage(timeout: 86_400 * 365)
            } catch {
                break
            }
            for item in message.arrayValue ?? [message] {
                if item["method"] != nil, item["id"] == nil {
                    notificationSink.yield(item)
                    continue
                }
                guard let id = item["id"]?.int64Value,
                    let waiter = state.withLock({ $0.waiting.removeValue(forKey: id) })
                else { continue }
                if let error = item["error"] {
                    waiter.resume(throwing: RPCError(json: error) ?? RPCClientError.invalidResponse("malformed error"))
                } else {
                    waiter.resume(returning: item["result"] ?? .null)
                }
            }
        }
        let orphans = state.withLock { s -> [CheckedContinuation<JSONValue, Error>] in
            s.closed = true
            defer { s.waiting.removeAll() }
            return Array(s.waiting.values)
        }
        for waiter in orphans { waiter.resume(throwing: RPCClientError.connectionClosed) }
        notificationSink.finish()
    }
}

/// Holds a non-Sendable value that is used under the client's own discipline (one reader thread, writes
/// under a lock).
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
