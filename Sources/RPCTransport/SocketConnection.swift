import CShims
import JSON
import JSONRPC
import Support
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One accepted socket: a non-blocking descriptor owned by one event loop, and the output side of its session.
///
/// Any thread may `send`; bytes the peer is not ready for wait in `pending` and are flushed by the loop on
/// EPOLLOUT, so a peer that stops reading only ever stalls itself. Only the loop thread reads or closes the fd.
final class SocketConnection: RPCOutput, @unchecked Sendable {
    let fd: Int32
    unowned let loop: EventLoop
    let label: String
    /// Set right after init, before the connection is registered with its loop; cleared by the loop when the
    /// connection closes, because the session holds this connection as its output and the pair would
    /// otherwise keep each other (and their buffers) alive forever.
    nonisolated(unsafe) var session: RPCSession!
    private let outputHighWater: Int

    struct OutputState {
        var pending: [UInt8] = []
        var offset = 0
        var closed = false
        var closeRequested = false
        var wantWrite = false
        var pendingCount: Int { pending.count - offset }
    }
    let state = Mutex(OutputState())
    // What the loop reads after every read, kept beside `state` so it needs no lock: a sender holds that lock
    // across its `send` call, and the loop waiting for it there cost a tenth of the CPU of a create under load.
    // All are written under the lock (so `updateInterest` sees them consistent); the two flags only by the loop
    // thread. `queued` mirrors `pendingCount`.
    private let readPaused = Atomic<Bool>(false)
    private let inputEnded = Atomic<Bool>(false)
    private let queued = Atomic<Int>(0)

    init(fd: Int32, loop: EventLoop, label: String, outputHighWater: Int) {
        self.fd = fd
        self.loop = loop
        self.label = label
        self.outputHighWater = outputHighWater
    }

    func send(_ bytes: [UInt8]) {
        let failed = state.withLock { s -> Bool in
            guard !s.closed && !s.closeRequested else { return false }
            var start = 0
            if s.pendingCount == 0 {
                do {
                    while start < bytes.count,
                        let n = try nonBlocking(
                            "send",
                            {
                                bytes.withUnsafeBytes {
                                    Glibc.send(fd, $0.baseAddress! + start, $0.count - start, msgNoSignal)
                                }
                            })
                    {
                        start += n
                    }
                } catch {
                    s.closeRequested = true
                    return true
                }
            }
            guard start < bytes.count else { return false }
            if s.offset > 0 && s.offset == s.pending.count {
                s.pending.removeAll(keepingCapacity: true)
                s.offset = 0
            }
            s.pending.append(contentsOf: bytes[start...])
            queued.store(s.pendingCount, ordering: .relaxed)
            if !s.wantWrite {
                s.wantWrite = true
                updateInterest(s)
            }
            return false
        }
        if failed { loop.requestClose(self) }
    }

    var queuedBytes: Int { queued.load(ordering: .relaxed) }

    /// Whether input is paused for back-pressure or has ended (loop thread).
    var isInputStopped: Bool { readPaused.load(ordering: .relaxed) || inputEnded.load(ordering: .relaxed) }

    func close() {
        state.withLock { $0.closeRequested = true }
        loop.requestClose(self)
    }

    /// Writes what is pending (loop thread, on EPOLLOUT). Returns false when the peer is gone.
    func flush() -> Bool {
        state.withLock { s -> Bool in
            guard !s.closed else { return false }
            do {
                while s.offset < s.pending.count,
                    let n = try nonBlocking(
                        "send",
                        {
                            s.pending.withUnsafeBytes {
                                Glibc.send(fd, $0.baseAddress! + s.offset, $0.count - s.offset, msgNoSignal)
                            }
                        })
                {
                    s.offset += n
                }
            } catch {
                return false
            }
            if s.offset == s.pending.count {
                s.pending.removeAll(keepingCapacity: s.pending.capacity <= 1 << 20)
                s.offset = 0
            }
            queued.store(s.pendingCount, ordering: .relaxed)
            let wasPaused = readPaused.load(ordering: .relaxed)
            s.wantWrite = s.pendingCount > 0
            let resume = wasPaused && s.pendingCount < outputHighWater / 2
            if resume { readPaused.store(false, ordering: .relaxed) }
            if !s.wantWrite || resume { updateInterest(s) }
            return true
        }
    }

    /// After reading: stop reading while too much output waits for a peer that does not read.
    func applyBackPressure() {
        guard queued.load(ordering: .relaxed) > outputHighWater else { return }
        state.withLock { s in
            if !readPaused.load(ordering: .relaxed) && s.pendingCount > outputHighWater {
                readPaused.store(true, ordering: .relaxed)
                Log.debug(
                    "peer is not reading; pausing input",
                    [
                        "connection": .string(label), "pendingBytes": .number(.int(Int64(s.pendingCount))),
                        "offset": .number(.int(Int64(s.offset))),
                    ])
                updateInterest(s)
            }
        }
    }

    func markInputEnded() {
        state.withLock { s in
            inputEnded.store(true, ordering: .relaxed)
            updateInterest(s)
        }
    }

    /// True when the peer has finished sending and every answer has gone out.
    var isDrained: Bool {
        inputEnded.load(ordering: .relaxed) && state.withLock { $0.pendingCount == 0 }
            && (session?.runningCount ?? 0) == 0
    }

    private func updateInterest(_ s: OutputState) {
        guard !s.closed else { return }
        var events: UInt32 = 0
        if !isInputStopped { events |= EPOLLIN.rawValue }
        if s.wantWrite { events |= EPOLLOUT.rawValue }
        loop.modify(fd: fd, events: events)
    }

    /// Closes the descriptor (loop thread only) under the lock that senders take, so no write hits a reused fd.
    func closeDescriptor() {
        state.withLock { s in
            guard !s.closed else { return }
            s.closed = true
            Glibc.close(fd)
            s.pending = []
            s.offset = 0
            queued.store(0, ordering: .relaxed)
        }
    }
}
