import Foundation
import JSONRPC

/// The single writer, with group commit: write requests that arrive together run in one transaction, each
/// in its own savepoint (so one failing request does not fail its neighbours), and all are answered only
/// after the COMMIT — one fsync for the batch instead of one per request.
final class WriteQueue: @unchecked Sendable {
    final class Job {
        let execute: (Connection) throws -> Void
        let complete: (Error?) -> Void
        init(execute: @escaping (Connection) throws -> Void, complete: @escaping (Error?) -> Void) {
            self.execute = execute
            self.complete = complete
        }
    }

    private let connection: Connection
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopping = false
    private var finished = false
    /// Most requests in one transaction; 1 means one commit per request (for comparison).
    let maxBatch: Int
    private(set) var commits = 0

    init(connection: Connection, maxBatch: Int) {
        self.connection = connection
        self.maxBatch = max(1, maxBatch)
        let thread = Thread { [self] in loop() }
        thread.name = "exportdesk-writer"
        thread.start()
    }

    func enqueue(_ job: Job) {
        condition.lock()
        if stopping {
            condition.unlock()
            job.complete(RPCError.shuttingDown)
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Finishes the queued writes, then stops the writer thread.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = Array(jobs.prefix(maxBatch))
            jobs.removeFirst(batch.count)
            condition.unlock()
            run(batch)
        }
    }

    private func run(_ batch: [Job]) {
        var outcomes: [Error?] = []
        outcomes.reserveCapacity(batch.count)
        do {
            try connection.execute("BEGIN IMMEDIATE")
            for job in batch {
                do {
                    try connection.savepoint { try job.execute(connection) }
                    outcomes.append(nil)
                } catch {
                    // SQLite may have rolled the whole transaction back (disk full, I/O error): then the
                    // writes of the requests before this one are gone too, and all fail with this cause.
                    if !connection.inTransaction { throw error }
                    outcomes.append(error)
                }
            }
            try connection.execute("COMMIT")
            commits += 1
        } catch {
            // BEGIN or COMMIT failed, or the transaction was lost: nothing of the batch was written.
            if connection.inTransaction { try? connection.execute("ROLLBACK") }
            Log.warn("write transaction failed, \(batch.count) request(s) not applied: \(error)")
            outcomes = batch.map { _ in error }
        }
        for (job, outcome) in zip(batch, outcomes) { job.complete(outcome) }
    }
}
