/// Where a session's framed bytes go. Implementations must be safe to call from any thread and never block
/// one connection on another's peer.
public protocol RPCOutput: AnyObject, Sendable {
    func send(_ bytes: [UInt8])
    /// Asks the transport to close this connection (after a fatal framing error).
    func close()
    /// Bytes handed to `send` that the peer has not taken yet (0 where the transport writes synchronously).
    var queuedBytes: Int { get }
}

extension RPCOutput {
    public var queuedBytes: Int { 0 }
}
