import JSONRPC
import Storage
import Support

/// Everything `exportdesk serve` can be told.
public struct ServeOptions: Sendable {
    public var stdio = false
    public var socketPath: String?
    /// A listening socket passed by systemd (socket activation); served instead of binding `socketPath`.
    public var activatedSocket: Int32?
    public var socketMode: UInt32 = 0o600
    public var limits = RPCLimits()
    public var logLevel = LogLevel.info
    /// Also serve the JSON-RPC 2.0 specification's example methods (for conformance tests).
    public var specExamples = false
    /// Validate every result against its Schemas/ result schema; a mismatch is logged and answered INTERNAL.
    public var validateResults = false
    /// Event-loop threads for socket connections.
    public var ioThreads = 2
    /// The SQLite database file (SPEC §1: `--db`, `EXPORTDESK_DB`, else ./exportdesk.sqlite).
    public var databasePath = "./exportdesk.sqlite"
    public var durability = Durability.full
    /// Turns group commit off (one transaction per write), to measure what group commit gains.
    public var commitPerRequest = false
    /// Every connection must authenticate with a token, even stdio and the server's own user.
    public var requireAuth = false
    /// Caps the database at this many pages (a quota); writes beyond it get STORAGE_UNAVAILABLE.
    public var maxDatabasePages: Int?

    public init() {}

    /// `$XDG_RUNTIME_DIR/exportdesk.sock`, else `./exportdesk.sock` (SPEC §1).
    public static func defaultSocketPath(environment: [String: String]) -> String {
        if let dir = environment["XDG_RUNTIME_DIR"], !dir.isEmpty { return dir + "/exportdesk.sock" }
        return "./exportdesk.sock"
    }
}
