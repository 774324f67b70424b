import CShims
import Foundation
import RPCTransport

#if canImport(Glibc)
import Glibc
#endif

/// `exportdesk-bench ceiling --socket PATH [--seconds S]`: the transport's ceiling. A minimal epoll echo
/// server on a Unix socket, one thread, non-blocking, with the server's newline framing: it splits what it
/// reads into lines and writes the complete ones back in one write per read (a partial line waits for its
/// end), so each request comes back as a line with its id. Point the load generator at it and at
/// `exportdesk serve` in the same run: the ratio is how close the server's transport comes to the kernel.
enum CeilingServer {
    static func run(_ args: [String]) throws {
        var path = "./ceiling.sock"
        var seconds = 30.0
        var i = 0
        while i + 1 < args.count {
            switch args[i] {
            case "--socket": path = args[i + 1]
            case "--seconds": seconds = Double(args[i + 1]) ?? seconds
            default: throw BenchError("ceiling: unknown option \(args[i])")
            }
            i += 2
        }
        unlink(path)
        let address = try UnixSocketAddress(path: path)
        let listener = socket(
            AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard address.withSockAddr({ bind(listener, $0, $1) }) == 0, listen(listener, 4096) == 0 else {
            throw BenchError("ceiling: cannot listen on \(path): \(String(cString: strerror(errno)))", exitCode: 2)
        }
        let ep = epoll_create1(Int32(EPOLL_CLOEXEC))
        var ev = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: listener))
        epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev)
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        var buffer = [UInt8](repeating: 0, count: 65536)
        var partial: [Int32: [UInt8]] = [:]
        var out: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        FileHandle.standardError.write(Data("ceiling: echoing on \(path) for \(seconds) s\n".utf8))
        while Date() < deadline {
            let n = events.withUnsafeMutableBufferPointer { epoll_wait(ep, $0.baseAddress, Int32($0.count), 100) }
            for k in 0..<max(0, Int(n)) {
                let fd = events[k].data.fd
                if fd == listener {
                    while case let client = exportdesk_accept_nonblocking(listener), client >= 0 {
                        var cev = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: client))
                        epoll_ctl(ep, EPOLL_CTL_ADD, client, &cev)
                    }
                    continue
                }
                let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if got <= 0 {
                    if got == 0 || (errno != EAGAIN && errno != EINTR) {
                        close(fd)
                        partial[fd] = nil
                    }
                    continue
                }
                out.removeAll(keepingCapacity: true)
                var pending = partial.removeValue(forKey: fd) ?? []
                var start = 0
                buffer.withUnsafeBytes { raw in
                    while start < got, let nl = memchr(raw.baseAddress! + start, 0x0A, got - start) {
                        let end = UnsafeRawPointer(nl) - raw.baseAddress! + 1
                        out.append(contentsOf: pending)
                        pending.removeAll()
                        out.append(contentsOf: raw[start..<end])
                        start = end
                    }
                    if start < got { pending.append(contentsOf: raw[start..<got]) }
                }
                if !pending.isEmpty { partial[fd] = pending }
                // A blocking-style full write: the load generator always reads, so this rarely loops.
                var off = 0
                while off < out.count {
                    let w = out.withUnsafeBytes { send(fd, $0.baseAddress! + off, out.count - off, msgNoSignal) }
                    if w > 0 { off += w } else if errno != EAGAIN && errno != EINTR { break }
                }
            }
        }
        close(listener)
        unlink(path)
    }
}
