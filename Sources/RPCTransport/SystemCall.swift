import CShims

#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which one, and errno with its text.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32
    public var description: String { "\(call): \(String(cString: strerror(errno))) (errno \(errno))" }
    public init(_ call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }
}

/// Runs a system call, retrying on EINTR and turning -1 into a typed error.
@discardableResult
public func syscall<T: FixedWidthInteger>(_ name: String, _ body: () -> T) throws(SystemError) -> T {
    while true {
        let r = body()
        if r != -1 { return r }
        let e = errno
        if e == EINTR { continue }
        throw SystemError(name, errno: e)
    }
}

/// Runs a system call on a non-blocking descriptor: its result, or nil when it would block (EAGAIN,
/// EWOULDBLOCK). EINTR is retried and any other failure thrown, as `syscall` does.
@discardableResult
public func nonBlocking<T: FixedWidthInteger>(_ name: String, _ body: () -> T) throws(SystemError) -> T? {
    do {
        return try syscall(name, body)
    } catch  where error.errno == EAGAIN || error.errno == EWOULDBLOCK {
        return nil
    }
}

/// Writes all of `bytes` to a blocking descriptor, retrying short writes and EINTR.
public func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) {
    var offset = 0
    while offset < bytes.count {
        let n = try syscall("write") { Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
        offset += n
    }
}

func setNonBlocking(_ fd: Int32) throws(SystemError) {
    let flags = try syscall("fcntl") { fcntl(fd, F_GETFL) }
    try syscall("fcntl") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
}

public let msgNoSignal = exportdesk_msg_nosignal()
