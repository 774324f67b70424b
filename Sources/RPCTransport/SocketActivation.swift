import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// systemd socket activation (the `LISTEN_FDS` protocol, sd_listen_fds(3), without libsystemd): the
/// service manager binds the socket, starts the server when a client connects, and passes the listening
/// socket as descriptor 3 with `LISTEN_PID` set to the server's pid.
public enum SocketActivation {
    /// The first descriptor systemd passes (SD_LISTEN_FDS_START).
    static let firstFD: Int32 = 3

    /// A failure to use what systemd passed: the service is misconfigured.
    public struct Misconfigured: Error, CustomStringConvertible {
        public let description: String
    }

    /// The listening Unix socket passed to this process, or nil when it was not socket-activated. Clears the
    /// variables so that they do not leak to anything this process starts.
    public static func listener(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int32? {
        guard let pid = environment["LISTEN_PID"], let count = environment["LISTEN_FDS"] else { return nil }
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
        guard Int32(pid) == getpid() else { return nil }  // meant for another process (a parent's)
        guard let n = Int(count), n >= 1 else { return nil }
        guard n == 1 else {
            throw Misconfigured(
                description:
                    "systemd passed \(n) sockets; ExportDesk serves one (give the .socket unit one ListenStream=)")
        }
        let fd = firstFD
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFSOCK else {
            throw Misconfigured(description: "descriptor 3 passed by systemd is not a socket")
        }
        var listening: Int32 = 0
        var type: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len)
        len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len)
        guard listening == 1, type == Int32(SOCK_STREAM.rawValue) else {
            throw Misconfigured(
                description:
                    "the socket passed by systemd is not a listening stream socket (use ListenStream= and Accept=no)")
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    /// The filesystem path of a Unix socket, for logs ("" for an abstract or unnamed one).
    public static func path(of fd: Int32) -> String {
        var addr = sockaddr_un()
        var len = socklen_t(MemoryLayout<sockaddr_un>.size)
        let ok =
            withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
            } == 0
        guard ok, addr.sun_family == sa_family_t(AF_UNIX) else { return "" }
        return withUnsafeBytes(of: addr.sun_path) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
