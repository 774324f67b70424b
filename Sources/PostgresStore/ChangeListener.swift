import Foundation
import Glibc
import Support
import Synchronization

/// Hears `NOTIFY exportdesk_changes`, which every write transaction of every instance sends, on its own
/// connection and thread, so that a subscriber on one instance receives what another committed.
final class ChangeListener: @unchecked Sendable {
    private let connection: PGConnection
    private let handlers = Mutex<[@Sendable () -> Void]>([])
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    /// Written once by `stop`, so the poll returns at once instead of at its next timeout.
    private var wake: [Int32] = [-1, -1]

    init(connection: PGConnection) throws {
        self.connection = connection
        guard pipe(&wake) == 0 else {
            throw PostgresError(sqlState: "58000", message: "cannot create the listener's wake pipe: errno \(errno)")
        }
        try connection.execute("LISTEN exportdesk_changes")
        let thread = Thread { [self] in loop() }
        thread.name = "exportdesk-listener"
        thread.start()
    }

    func onCommit(_ handler: @escaping @Sendable () -> Void) { handlers.withLock { $0.append(handler) } }

    /// Waits for the server's notifications or the wake pipe; the timeout only bounds a reconnect's wait.
    private func loop() {
        let pq = LibPQ.api
        var quietFailures = 0
        while !stopping.load(ordering: .relaxed) {
            var fds = [
                pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, 1000)
            if ready <= 0 || fds[1].revents != 0 { continue }
            if pq.consumeInput(connection.handle) == 0 {
                // The connection broke: reopen it and listen again, then wake the feeds (commits may be missed).
                quietFailures += 1
                if quietFailures == 1 { Log.warn("the PostgreSQL notification connection broke; reconnecting") }
                usleep(200_000)
                if (try? connection.execute("LISTEN exportdesk_changes")) != nil {
                    quietFailures = 0
                    fire()
                }
                continue
            }
            var heard = false
            while let note = pq.notifies(connection.handle) {
                pq.freemem(note)
                heard = true
            }
            if heard { fire() }
        }
        finished.signal()
    }

    private func fire() {
        for handler in handlers.withLock({ $0 }) { handler() }
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
        finished.wait()
        connection.close()
        close(wake[0])
        close(wake[1])
    }
}
