import Foundation

/// Read connections on their own threads: they never wait for the writer. Blocking database calls stay off the cooperative thread pool and the I/O loops.
public final class ReaderPool: @unchecked Sendable {
    private let queue = JobQueue<(any SQLDatabase) -> Void>()
    private let finished = DispatchGroup()
    nonisolated(unsafe) private let connections: [any SQLDatabase]

    public init(connections: [any SQLDatabase]) {
        self.connections = connections
        for (i, connection) in connections.enumerated() {
            // Each connection is handed to exactly one thread and used only there.
            nonisolated(unsafe) let owned = connection
            finished.enter()
            let thread = Thread { [self] in
                while let jobs = queue.take() { for job in jobs { job(owned) } }
                finished.leave()
            }
            thread.name = "exportdesk-reader-\(i)"
            thread.start()
        }
    }

    /// Runs `body` on the next free reader connection.
    public func run<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            enqueue { connection in
                do { continuation.resume(returning: try body(connection)) } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    public func enqueue(_ job: @escaping (any SQLDatabase) -> Void) { queue.put(job) }

    /// Runs the queued reads, then stops the reader threads and closes their connections.
    public func stop() {
        queue.stop()
        finished.wait()
        for connection in connections { connection.close() }
    }
}
