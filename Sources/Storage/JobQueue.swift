import Foundation

/// A blocking FIFO of jobs for dedicated threads (the writer, the readers): `take` waits for work and
/// returns nil once the queue is stopped and drained.
public final class JobQueue<Job>: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopped = false

    public init() {}

    /// Adds a job; false when the queue is stopped (the job is not taken).
    @discardableResult
    public func put(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Up to `limit` jobs, waiting while there are none; nil when stopped and empty.
    public func take(upTo limit: Int = 1) -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !stopped { condition.wait() }
        if jobs.isEmpty { return nil }
        let taken = Array(jobs.prefix(limit))
        jobs.removeFirst(taken.count)
        return taken
    }

    /// Refuses new jobs; the ones already queued are still taken.
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
