/// The protection limits of SPEC §1; every one is configurable from the command line.
public struct RPCLimits: Sendable {
    public var maxMessageBytes = 4 * 1024 * 1024
    public var maxBatchEntries = 100
    public var maxDepth = 128
    public var maxConnections = 1024
    /// Seconds a started message may stay incomplete before its connection is closed.
    public var incompleteMessageTimeout: Double = 30
    /// Requests one connection may have running at once before further ones get OVERLOADED.
    public var maxInFlightPerConnection = 4096
    /// Bytes of unsent responses after which the server stops reading from that connection.
    public var outputHighWater = 4 * 1024 * 1024

    public init() {}
}
