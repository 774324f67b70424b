import Dispatch

/// Runs `body` as a task and waits for it on this thread: the CLI's commands are synchronous, the stores'
/// operations async. Only for the main thread of a command, never inside the cooperative pool.
func waitFor<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let semaphore = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var outcome: Result<T, Error>?
    Task {
        do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
        semaphore.signal()
    }
    semaphore.wait()
    return try outcome!.get()
}
