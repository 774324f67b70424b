#if canImport(Glibc)
import Glibc
#endif

/// A Unix domain socket path as a `sockaddr_un`; a path too long for it is refused, never truncated.
public struct UnixSocketAddress: Sendable {
    public let path: String
    static let maxPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    public struct PathTooLong: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "socket path is \(path.utf8.count) bytes; a Unix socket path may have at most \(UnixSocketAddress.maxPathBytes): \(path)"
        }
    }

    public init(path: String) throws(PathTooLong) {
        guard path.utf8.count <= Self.maxPathBytes, !path.isEmpty else { throw PathTooLong(path: path) }
        self.path = path
    }

    public func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// Opens a blocking client connection to this path.
    public func connect() throws(SystemError) -> Int32 {
        let fd = try syscall("socket") {
            socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        let r = withSockAddr { Glibc.connect(fd, $0, $1) }
        if r != 0 {
            let e = errno
            close(fd)
            throw SystemError("connect(\(path))", errno: e)
        }
        return fd
    }
}
