import Foundation

/// Read connections on their own threads: in WAL mode they read a consistent snapshot and never wait for
/// the writer. Blocking SQLite calls stay off the cooperative thread pool and the I/O loops.
final class ReaderPool: @unchecked Sendable {
    private let queue = JobQueue<(Connection) -> Void>()
    private let finished = DispatchGroup()
    nonisolated(unsafe) private let connections: [Connection]

    init(connections: [Connection]) {
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

    func enqueue(_ job: @escaping (Connection) -> Void) { queue.put(job) }

    /// Runs the queued reads, then stops the reader threads and closes their connections.
    func stop() {
        queue.stop()
        finished.wait()
        for connection in connections { connection.close() }
    }
}
