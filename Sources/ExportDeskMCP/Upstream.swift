import ExportDeskCore
import ExportDeskServer
import Foundation
import JSON
import JSONRPC
import RPCTransport
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The ExportDesk server behind the MCP server: a JSON-RPC conversation either with an in-process session
/// of a server opened on the database (`--db`), or with a running server over its socket (`--socket`).
/// Calls are async; a cancelled call sends `$/cancelRequest`, and `$/progress` goes to the call's handler.
final class Upstream: @unchecked Sendable {
    private struct Pending {
        var calls: [Int64: CheckedContinuation<JSONValue, Error>] = [:]
        var progress: [Int64: @Sendable (JSONValue) -> Void] = [:]
        var closed = false
    }
    private let pending = Mutex(Pending())
    private let nextID = Atomic<Int64>(1)
    private var write: @Sendable ([UInt8]) -> Void = { _ in }
    private var stop: @Sendable () -> Void = {}

    /// Opens the database and talks to an in-process session of the server, as `serve --stdio` would. A
    /// `viewer` session reads only, whatever tools are offered: the owner's admin rights are not lent.
    static func local(options: ServeOptions, viewer: Bool) throws -> Upstream {
        let upstream = Upstream()
        let server = try Server(options: options)
        let sink = LineSink { upstream.received($0) }
        let session = RPCSession(core: server.core, output: sink, label: "mcp", peer: .stdio)
        if viewer {
            session.identity = Principal(role: .viewer, actor: "local:mcp")
            session.actor = "local:mcp"
        }
        // One reader at a time: the session's framer belongs to the thread that feeds it.
        let feeding = Mutex(())
        upstream.write = { bytes in feeding.withLock { _ in _ = bytes.withUnsafeBytes { session.receive($0) } } }
        upstream.stop = {
            session.waitUntilIdle(timeout: 30)
            session.close()
            server.stopAndWait()
        }
        return upstream
    }

    /// Connects to a running server's socket.
    static func socket(path: String) throws -> Upstream {
        let upstream = Upstream()
        let fd = try UnixSocketAddress(path: path).connect()
        let writing = Mutex(())
        upstream.write = { bytes in
            writing.withLock { _ in bytes.withUnsafeBytes { raw in try? writeFully(fd, raw) } }
        }
        upstream.stop = { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
        let thread = Thread {
            let sink = LineSink { upstream.received($0) }
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                sink.send(Array(buffer[0..<n]))
            }
            Glibc.close(fd)
            upstream.closed()
        }
        thread.name = "exportdesk-mcp-upstream"
        thread.start()
        return upstream
    }

    /// Calls `method`; throws the server's error as an `RPCError`. With `progress`, the call carries its own
    /// id as `progressToken`, and each `$/progress` value for it is handed to `progress`.
    func call(
        _ method: String, _ params: JSONValue = .object([:]), progress: (@Sendable (JSONValue) -> Void)? = nil
    ) async throws -> JSONValue {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        var params = params
        if progress != nil, case .object(var o) = params {
            o["progressToken"] = .number(.int(id))
            params = .object(o)
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONValue, Error>) in
                let open = pending.withLock { p -> Bool in
                    guard !p.closed else { return false }
                    p.calls[id] = continuation
                    if let progress { p.progress[id] = progress }
                    return true
                }
                guard open else {
                    return continuation.resume(
                        throwing: RPCError.storageUnavailable("the ExportDesk server closed the connection"))
                }
                var w = JSONWriter(capacity: 128)
                w.write(["jsonrpc": "2.0", "id": .number(.int(id)), "method": .string(method), "params": params])
                write(w.bytes + [0x0A])
            }
        } onCancel: {
            var w = JSONWriter(capacity: 64)
            w.write(["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": .number(.int(id))]])
            write(w.bytes + [0x0A])
        }
    }

    /// Closes the upstream once (EOF and a signal may both ask).
    func close() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        stop()
    }
    private let stopped = Atomic<Bool>(false)

    private func received(_ message: JSONValue) {
        if let method = message["method"]?.stringValue {
            guard method == "$/progress", let token = message["params"]?["token"]?.int64Value else { return }
            let handler = pending.withLock { $0.progress[token] }
            handler?(message["params"]?["value"] ?? .null)
            return
        }
        guard let id = message["id"]?.int64Value else { return }
        let continuation = pending.withLock { p -> CheckedContinuation<JSONValue, Error>? in
            p.progress[id] = nil
            return p.calls.removeValue(forKey: id)
        }
        if let error = message["error"], let rpcError = RPCError(json: error) {
            continuation?.resume(throwing: rpcError)
        } else {
            continuation?.resume(returning: message["result"] ?? .null)
        }
    }

    private func closed() {
        let waiting = pending.withLock { p -> [CheckedContinuation<JSONValue, Error>] in
            p.closed = true
            defer {
                p.calls = [:]
                p.progress = [:]
            }
            return Array(p.calls.values)
        }
        for c in waiting {
            c.resume(throwing: RPCError.storageUnavailable("the ExportDesk server closed the connection"))
        }
    }
}

/// Splits newline-delimited JSON written to it into messages.
final class LineSink: RPCOutput, @unchecked Sendable {
    private let deliver: @Sendable (JSONValue) -> Void
    private let buffer = Mutex<[UInt8]>([])
    init(_ deliver: @escaping @Sendable (JSONValue) -> Void) { self.deliver = deliver }

    func send(_ bytes: [UInt8]) {
        let lines = buffer.withLock { b -> [[UInt8]] in
            b.append(contentsOf: bytes)
            var out: [[UInt8]] = []
            while let nl = b.firstIndex(of: 0x0A) {
                out.append(Array(b[..<nl]))
                b.removeSubrange(...nl)
            }
            return out
        }
        for line in lines where !line.isEmpty {
            if let message = try? JSONParser.parse(line) { deliver(message) }
        }
    }

    func close() {}
}
