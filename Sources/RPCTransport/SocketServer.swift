import CShims
import Foundation
import JSON
import JSONRPC
import Support
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The Unix socket transport: a listener on a dedicated accept thread, connections spread over event loops.
/// The listener is either bound here or inherited from systemd (socket activation), in which case it is
/// systemd's: it is neither shut down nor removed when this server stops, so clients queue in its backlog
/// while the service restarts.
public final class SocketServer: @unchecked Sendable {
    public let address: UnixSocketAddress
    public let mode: mode_t
    private let core: RPCServerCore
    private var loops: [EventLoop] = []
    private let listenFD = Atomic<Int32>(-1)
    private let inheritedFD: Int32?
    private let accepted = Atomic<Int>(0)
    private let acceptDone = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private var wakeFD: Int32 = -1
    private var socketInode: ino_t = 0

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// `inheritedFD` is a listening socket passed by systemd (see `SocketActivation`); `address` then only
    /// names it in logs.
    public init(
        address: UnixSocketAddress, mode: mode_t = 0o600, core: RPCServerCore, loopCount: Int = 2,
        inheritedFD: Int32? = nil
    ) {
        self.address = address
        self.mode = mode
        self.core = core
        self.loopCount = loopCount
        self.inheritedFD = inheritedFD
    }
    private let loopCount: Int

    /// Binds the socket (replacing a stale file, refusing a live server), or takes the inherited one, and
    /// starts serving.
    public func start() throws {
        wakeFD = try syscall("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
        let fd = try inheritedFD ?? bindListener()
        listenFD.store(fd, ordering: .relaxed)
        for i in 0..<max(1, loopCount) {
            let loop = try EventLoop(core: core, name: "exportdesk-io-\(i)")
            loop.start()
            loops.append(loop)
        }
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "exportdesk-accept"
        thread.start()
        if inheritedFD != nil {
            Log.info("listening on the socket passed by systemd (\(address.path))")
        } else {
            Log.info("listening on \(address.path) (mode \(String(mode, radix: 8)))")
        }
    }

    private func bindListener() throws -> Int32 {
        try removeStaleSocket()
        let fd = try syscall("socket") {
            socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        // The socket is bound and listening under a temporary name and only then linked to its path, so a client
        // that waits for the file to appear never finds it refusing connections (between bind and listen it
        // would). link() fails on an existing path, so a server started at the same moment is never replaced.
        // A path too long for the temporary name is bound in place.
        let staging = try? UnixSocketAddress(path: address.path + ".new")
        let target = staging ?? address
        if let staging { unlink(staging.path) }  // left by a start that died between bind and link
        // Create the file with no group/other access at all, then widen to the requested mode.
        let oldMask = umask(0o177)
        let bound = target.withSockAddr { bind(fd, $0, $1) }
        let bindErrno = errno
        umask(oldMask)
        if bound != 0 {
            close(fd)
            throw StartError(description: "cannot bind \(address.path): \(SystemError("bind", errno: bindErrno))")
        }
        chmod(target.path, mode)
        var st = stat()
        if stat(target.path, &st) == 0 { socketInode = st.st_ino }
        do {
            try syscall("listen") { listen(fd, 4096) }
        } catch {
            close(fd)
            unlink(target.path)
            throw StartError(description: "cannot listen on \(address.path): \(error)")
        }
        if staging != nil {
            let linked = link(target.path, address.path)
            let linkErrno = errno
            unlink(target.path)
            if linked != 0 {
                close(fd)
                throw StartError(description: "cannot bind \(address.path): \(SystemError("bind", errno: linkErrno))")
            }
        }
        return fd
    }

    private func removeStaleSocket() throws {
        var st = stat()
        guard lstat(address.path, &st) == 0 else { return }
        guard (st.st_mode & S_IFMT) == S_IFSOCK else {
            throw StartError(description: "\(address.path) exists and is not a socket; refusing to replace it")
        }
        if let fd = try? address.connect() {
            close(fd)
            throw StartError(description: "another server is already listening on \(address.path)")
        }
        Log.info("replacing stale socket file \(address.path)")
        unlink(address.path)
    }

    /// Waits on the listener and the wake-up descriptor together, so that stopping never needs to shut the
    /// listener down (an inherited one must keep its backlog for the next instance).
    private func acceptLoop(_ fd: Int32) {
        var next = 0
        while !stopping.load(ordering: .relaxed) {
            var fds = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
            ]
            let ready: Int32
            do {
                ready = try syscall("poll") { poll(&fds, 2, -1) }
            } catch {
                Log.error("accept: \(error)")
                break
            }
            guard ready > 0, fds[0].revents != 0, !stopping.load(ordering: .relaxed) else { continue }
            let incoming: Int32?
            do {
                incoming = try nonBlocking("accept4") { exportdesk_accept_nonblocking(fd) }
            } catch  where error.errno == ECONNABORTED {
                continue  // the peer gave up before it was accepted
            } catch  where error.errno == EINVAL || error.errno == EBADF {
                break  // the listening socket is closed
            } catch {
                Log.warn("accept: \(error)")
                usleep(10_000)  // EMFILE and friends: back off instead of spinning
                continue
            }
            guard let client = incoming else { continue }
            let number = accepted.add(1, ordering: .relaxed).newValue
            guard core.openConnection() else {
                let error = RPCError.overloaded(
                    "too many connections (limit \(core.limits.maxConnections)); try again later")
                var out = RPCSession.errorBody(id: .null, error)
                out.append(0x0A)
                _ = out.withUnsafeBytes { Glibc.send(client, $0.baseAddress, $0.count, msgNoSignal) }
                close(client)
                Log.warn("connection refused: limit of \(core.limits.maxConnections) connections reached")
                continue
            }
            let loop = loops[next % loops.count]
            next += 1
            let connection = SocketConnection(
                fd: client, loop: loop, label: "socket#\(number)", outputHighWater: core.limits.outputHighWater)
            let uid = exportdesk_peer_uid(client)
            connection.session = RPCSession(
                core: core, output: connection, label: connection.label,
                peer: .socket(uid: uid >= 0 ? Int(uid) : nil))
            loop.register(connection)
            Log.debug("connection accepted", ["connection": .string(connection.label)])
        }
        acceptDone.store(true, ordering: .relaxed)
    }

    /// Stops accepting and removes the socket file (unless systemd owns it); connections stay open until
    /// `closeConnections`. Connections still in the backlog of an inherited socket wait for the next instance.
    public func stopAccepting() {
        let fd = listenFD.exchange(-1, ordering: .relaxed)
        guard fd >= 0 else { return }
        stopping.store(true, ordering: .relaxed)
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
        while !acceptDone.load(ordering: .relaxed) { usleep(1000) }
        close(fd)
        close(wakeFD)
        guard inheritedFD == nil else { return }
        // Remove the file only if it is still ours (another server may have replaced it meanwhile).
        var st = stat()
        if stat(address.path, &st) == 0 && st.st_ino == socketInode { unlink(address.path) }
    }

    /// Closes every connection and stops the event loops.
    public func closeConnections() {
        for loop in loops { loop.stop() }
        loops.removeAll()
    }

    public var connectionCount: Int { loops.reduce(0) { $0 + $1.connectionCount } }
}
