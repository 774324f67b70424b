import Foundation

/// Read connections on their own threads: in WAL mode they read a consistent snapshot and never wait for
/// the writer. Blocking SQLite calls stay off the cooperative thread pool and the I/O loops.
final class ReaderPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [(Connection) -> Void] = []
    private var stopping = false
    private var running = 0

    init(connections: [Connection]) {
        running = connections.count
        for (i, connection) in connections.enumerated() {
            // Each connection is handed to exactly one thread and used only there.
            nonisolated(unsafe) let owned = connection
            let thread = Thread { [self] in loop(owned) }
            thread.name = "exportdesk-reader-\(i)"
            thread.start()
        }
    }

    func enqueue(_ job: @escaping (Connection) -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    private func loop(_ connection: Connection) {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job(connection)
        }
    }
}
