import Foundation
import JSON
import JSONRPC
import RPCTransport
import Support
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SPEC §7 "the server never stalls or grows without bound for one slow client", at the transport: a peer that
/// sends but does not read stops being read once its unsent answers pass the high-water mark, stalls only
/// itself, and gets every answer, in order, once it reads again.
struct BackPressureTests {
    @Test func aPeerThatDoesNotReadStallsOnlyItselfAndLosesNothing() throws {
        var registry = RPCMethodRegistry()
        registry.register(RPCMethod(name: "echo", handler: .sync { _, params in params }))
        var limits = RPCLimits()
        limits.outputHighWater = 256 * 1024
        let core = RPCServerCore(registry: registry, limits: limits)
        let dir = TemporaryDirectory()
        let address = try UnixSocketAddress(path: dir.file("s.sock"))
        let server = SocketServer(address: address, core: core)
        try server.start()
        defer {
            server.stopAccepting()
            server.closeConnections()
        }

        // The silent peer sends 10 KB requests without reading until the server stops taking them.
        let silent = try address.connect()
        defer { close(silent) }
        let pad = String(repeating: "x", count: 10_000)
        var sent = 0
        var refusedSince: Double?
        let deadline = MonotonicClock.now + 20
        while MonotonicClock.now < deadline {
            let line = Array(#"{"jsonrpc":"2.0","id":\#(sent),"method":"echo","params":{"pad":"\#(pad)"}}"#.utf8) + [10]
            var offset = 0
            while offset < line.count {
                let n = line.withUnsafeBytes {
                    send(silent, $0.baseAddress! + offset, $0.count - offset, msgNoSignal | Int32(MSG_DONTWAIT))
                }
                if n > 0 {
                    offset += n
                    refusedSince = nil
                } else {
                    // The socket is full: the server has stopped reading. Wait a while to be sure it stays so.
                    refusedSince = refusedSince ?? MonotonicClock.now
                    if MonotonicClock.now - refusedSince! > 0.5 { break }
                    usleep(10_000)
                }
            }
            // A line cut short stays an incomplete message that is never answered: only whole lines count.
            if offset < line.count { break }
            sent += 1
        }
        #expect(refusedSince != nil, "the server kept reading from a peer that never reads")
        #expect(sent > 0 && sent < 20_000)

        // Another client is served at once.
        let other = try address.connect()
        defer { close(other) }
        let started = MonotonicClock.now
        let ping = Array(#"{"jsonrpc":"2.0","id":"other","method":"echo","params":{}}"#.utf8) + [10]
        _ = ping.withUnsafeBytes { send(other, $0.baseAddress, $0.count, msgNoSignal) }
        let answer = readLines(other, count: 1)
        #expect(answer.first?.contains(#""id":"other""#) == true)
        #expect(MonotonicClock.now - started < 2, "one silent peer delayed another client")

        // The silent peer reads: every answer arrives, in order.
        let answers = readLines(silent, count: sent)
        #expect(answers.count == sent)
        for (i, line) in answers.enumerated() where !line.hasPrefix(#"{"jsonrpc":"2.0","id":\#(i),"#) {
            Issue.record("answer \(i) out of order or missing: \(line.prefix(60))")
            break
        }
    }

    /// Reads `count` newline-terminated lines (blocking, 10 s at most).
    private func readLines(_ fd: Int32, count: Int) -> [String] {
        var lines: [String] = []
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let deadline = MonotonicClock.now + 10
        while lines.count < count && MonotonicClock.now < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            while let newline = pending.firstIndex(of: 10) {
                lines.append(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
            }
        }
        return lines
    }
}
