import CShims
import Foundation
import JSON
import JSONRPC
import Support
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An epoll loop on its own thread serving a share of the socket connections.
final class EventLoop: @unchecked Sendable {
    let epfd: Int32
    private let wakeFD: Int32
    private let connections = Mutex<[Int32: SocketConnection]>([:])
    private let closeQueue = Mutex<[SocketConnection]>([])
    private let stopping = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let core: RPCServerCore
    let name: String
    /// How long a loop keeps polling after its last event before it blocks.
    static let spinSeconds = 0.000_05

    init(core: RPCServerCore, name: String) throws(SystemError) {
        self.core = core
        self.name = name
        epfd = try syscall("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        wakeFD = try syscall("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
        var ev = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: wakeFD))
        try syscall("epoll_ctl") { epoll_ctl(epfd, EPOLL_CTL_ADD, wakeFD, &ev) }
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    var connectionCount: Int { connections.withLock { $0.count } }

    func register(_ connection: SocketConnection) {
        connections.withLock { $0[connection.fd] = connection }
        var ev = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: connection.fd))
        if epoll_ctl(epfd, EPOLL_CTL_ADD, connection.fd, &ev) != 0 {
            Log.error("\(name): epoll_ctl ADD failed: \(SystemError("epoll_ctl", errno: errno))")
            requestClose(connection)
        }
    }

    func modify(fd: Int32, events: UInt32) {
        var ev = epoll_event(events: events, data: epoll_data_t(fd: fd))
        _ = epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev)
    }

    func requestClose(_ connection: SocketConnection) {
        closeQueue.withLock { $0.append(connection) }
        wake()
    }

    private func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    /// Stops the loop and closes every connection it holds.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        wake()
        while !finished.load(ordering: .relaxed) { usleep(1000) }
    }

    /// Sends `bytes` to every connection of this loop (used for shutdown notices).
    func allConnections() -> [SocketConnection] { connections.withLock { Array($0.values) } }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var readBuffer = [UInt8](repeating: 0, count: 65536)
        var lastSweep = MonotonicClock.now
        var lastActivity = 0.0
        while !stopping.load(ordering: .relaxed) {
            // Right after activity, poll without sleeping for a short while: a request/response client's next
            // request usually arrives within microseconds, and a sleeping thread's wake-up costs more than that.
            let spinning = MonotonicClock.now - lastActivity < Self.spinSeconds
            let n: Int32
            do {
                n = try syscall("epoll_wait") {
                    events.withUnsafeMutableBufferPointer {
                        epoll_wait(epfd, $0.baseAddress, Int32($0.count), spinning ? 0 : 100)
                    }
                }
            } catch {
                Log.error("\(name): epoll_wait failed: \(error)")
                break
            }
            if n == 0 && spinning { continue }
            if n > 0 { lastActivity = MonotonicClock.now }
            for i in 0..<Int(n) {
                let fd = events[i].data.fd
                let flags = events[i].events
                if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = Glibc.read(wakeFD, &value, 8)
                    continue
                }
                guard let connection = connections.withLock({ $0[fd] }) else { continue }
                if flags & EPOLLOUT.rawValue != 0 {
                    if !connection.flush() {
                        close(connection)
                        continue
                    }
                }
                if flags & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                    readAvailable(
                        connection, buffer: &readBuffer, hangup: flags & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0)
                }
            }
            drainCloseQueue()
            let now = MonotonicClock.now
            if now - lastSweep >= 0.1 {
                lastSweep = now
                sweep(now: now)
            }
        }
        for connection in connections.withLock({ Array($0.values) }) { close(connection) }
        drainCloseQueue()
        Glibc.close(epfd)
        Glibc.close(wakeFD)
        finished.store(true, ordering: .relaxed)
    }

    private func readAvailable(_ connection: SocketConnection, buffer: inout [UInt8], hangup: Bool) {
        if connection.isInputStopped {
            // Output is blocked (or input ended) and the peer hung up: nothing more can be delivered.
            if hangup { close(connection) }
            return
        }
        // A bounded number of reads per wake-up keeps one busy connection from starving the others.
        for _ in 0..<8 {
            let read: Int?
            do {
                read = try nonBlocking("read") {
                    buffer.withUnsafeMutableBytes { Glibc.read(connection.fd, $0.baseAddress, $0.count) }
                }
            } catch {
                close(connection)
                return
            }
            guard let n = read else { return }  // nothing more until the next wake-up
            if n > 0 {
                let ok = buffer.withUnsafeBytes {
                    connection.session.receive(UnsafeRawBufferPointer(rebasing: $0[0..<n]))
                }
                if !ok {
                    close(connection)
                    return
                }
                connection.applyBackPressure()
                if connection.isInputStopped { return }
                if n < buffer.count { return }
                continue
            }
            connection.markInputEnded()
            if connection.isDrained { close(connection) }
            return
        }
    }

    private func sweep(now: Double) {
        for connection in connections.withLock({ Array($0.values) }) {
            if connection.session.incompleteMessageExpired(now: now) {
                Log.warn(
                    "\(connection.label): message incomplete for more than \(core.limits.incompleteMessageTimeout) s; closing"
                )
                close(connection)
            } else if connection.isDrained {
                close(connection)
            }
        }
    }

    private func drainCloseQueue() {
        let queued = closeQueue.withLock { q -> [SocketConnection] in
            defer { q.removeAll() }
            return q
        }
        for connection in queued { close(connection) }
    }

    private func close(_ connection: SocketConnection) {
        // Identity check: a queued close of an old connection must not close a newer one that reuses the fd.
        let owned = connections.withLock { map -> Bool in
            guard map[connection.fd] === connection else { return false }
            map[connection.fd] = nil
            return true
        }
        guard owned else { return }
        _ = epoll_ctl(epfd, EPOLL_CTL_DEL, connection.fd, nil)
        connection.closeDescriptor()
        connection.session.close()
        // Break the session ↔ connection cycle; running tasks keep the session alive until they answer.
        connection.session = nil
        core.closeConnection()
        Log.debug("connection closed", ["connection": .string(connection.label)])
    }
}
