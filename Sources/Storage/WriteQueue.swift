import Foundation
import Support
import Synchronization

/// The single writer, with group commit: write requests that arrive together run in one transaction, each
/// in its own savepoint (so one failing request does not fail its neighbours), and all are answered only
/// after the COMMIT — one fsync for the batch instead of one per request.
public final class WriteQueue: @unchecked Sendable {
    public final class Job {
        let execute: (any SQLDatabase) throws -> Void
        let complete: (Error?) -> Void
        public init(execute: @escaping (any SQLDatabase) throws -> Void, complete: @escaping (Error?) -> Void) {
            self.execute = execute
            self.complete = complete
        }
    }

    private let connection: any SQLDatabase
    private let queue = JobQueue<Job>()
    private let finished = DispatchSemaphore(value: 0)
    /// Most requests in one transaction; 1 means one commit per request (for comparison).
    public let maxBatch: Int
    private let committed = Atomic<Int>(0)
    /// Transactions committed so far; read from any thread (`system.info`).
    public var commits: Int { committed.load(ordering: .relaxed) }

    public init(connection: any SQLDatabase, maxBatch: Int) {
        self.connection = connection
        self.maxBatch = max(1, maxBatch)
        let thread = Thread { [self] in loop() }
        thread.name = "exportdesk-writer"
        thread.start()
    }

    /// Runs `body` in the next group-committed transaction; returns once that transaction is committed.
    public func run<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            nonisolated(unsafe) var result: T?
            enqueue(
                Job(
                    execute: { connection in result = try body(connection) },
                    complete: { error in
                        if let error {
                            continuation.resume(throwing: error)
                        } else {
                            continuation.resume(returning: result!)
                        }
                    }))
        }
    }

    public func enqueue(_ job: Job) {
        if !queue.put(job) { job.complete(StoreClosed()) }
    }

    /// Finishes the queued writes, then stops the writer thread and hands back its connection (to close).
    public func stop() -> any SQLDatabase {
        queue.stop()
        finished.wait()
        return connection
    }

    private func loop() {
        while let batch = queue.take(upTo: maxBatch) { run(batch) }
        finished.signal()
    }

    private func run(_ batch: [Job]) {
        // Fast path: no savepoints. A request that fails before writing anything (validation, NOT_FOUND,
        // VERSION_CONFLICT, DUPLICATE — nearly every domain error) leaves nothing to undo. Only when a failing
        // request had already changed rows is the batch rolled back and replayed with a savepoint per request.
        var outcomes: [Error?] = []
        outcomes.reserveCapacity(batch.count)
        var replay = false
        do {
            try connection.beginWrite()
            for job in batch {
                let before = connection.totalChanges
                do {
                    try job.execute(connection)
                    outcomes.append(nil)
                } catch {
                    if !connection.inTransaction { throw error }
                    if connection.totalChanges != before {
                        replay = true
                        break
                    }
                    outcomes.append(error)
                }
            }
            if replay {
                try connection.rollback()
                outcomes = runWithSavepoints(batch)
            } else {
                try connection.commit()
                committed.add(1, ordering: .relaxed)
            }
        } catch {
            // BEGIN or COMMIT failed, or the transaction was lost: nothing of the batch was written.
            if connection.inTransaction { try? connection.rollback() }
            Log.warn("write transaction failed, \(batch.count) request(s) not applied: \(error)")
            outcomes = batch.map { _ in error }
        }
        for (job, outcome) in zip(batch, outcomes) { job.complete(outcome) }
    }

    /// The slow path: each request in its own savepoint, so a failure undoes only that request.
    private func runWithSavepoints(_ batch: [Job]) -> [Error?] {
        var outcomes: [Error?] = []
        do {
            try connection.beginWrite()
            for job in batch {
                do {
                    try connection.savepoint { try job.execute(connection) }
                    outcomes.append(nil)
                } catch {
                    if !connection.inTransaction { throw error }
                    outcomes.append(error)
                }
            }
            try connection.commit()
            committed.add(1, ordering: .relaxed)
            return outcomes
        } catch {
            if connection.inTransaction { try? connection.rollback() }
            Log.warn("write transaction failed, \(batch.count) request(s) not applied: \(error)")
            return batch.map { _ in error }
        }
    }
}
