import CSQLite
import Foundation
import Storage
import Support
import Synchronization

/// The SQLite store: one group-committing writer and a pool of readers over one database file in WAL mode.
/// SQL stays behind this type and the domain's store files; the RPC layer never sees a connection.
public final class Store: DataStore, @unchecked Sendable {
    public let path: String
    public var location: String { path }
    public var engine: String { "SQLite " + String(cString: sqlite3_libversion()) }
    public var size: Int64 { fileSize }
    /// The migration level of the open database.
    public private(set) var schemaVersion = 0
    private let writer: WriteQueue
    private let readers: ReaderPool
    private let backupLock = NSLock()
    /// The I/O threads' own read connections (`readNow`).
    private let threadReaders = ThreadConnections()

    public typealias Options = StoreOptions

    /// Switches a database to WAL. On a new file that several servers open at once, SQLite answers BUSY
    /// at once instead of waiting (the busy handler is not used where waiting could deadlock), so the
    /// switch is retried for up to 5 s.
    private static func enableWAL(_ connection: Connection) throws {
        for attempt in 0... {
            do {
                try connection.execute("PRAGMA journal_mode=WAL")
                return
            } catch {
                guard error.code == SQLITE_BUSY, attempt < 500 else { throw error }
                usleep(10_000)
            }
        }
    }

    public init(path: String, migrations: [Migration], options: Options = Options()) throws {
        self.path = path
        let writeConnection = try Connection(path: path)
        try Self.enableWAL(writeConnection)
        try writeConnection.execute("PRAGMA synchronous=\(options.durability == .full ? "FULL" : "NORMAL")")
        try writeConnection.execute("PRAGMA foreign_keys=ON")
        // A 64 MiB page cache keeps hot index pages in memory; checkpointing every 10,000 WAL pages (~40 MiB)
        // instead of 1,000 amortizes copying pages back into the database file.
        try writeConnection.execute("PRAGMA cache_size=-65536")
        // Each request's savepoint keeps a sub-journal of the pages it first touches; in a temporary file that
        // was ~5 MB of writes per group commit. In memory it costs nothing on disk (and is discarded at commit).
        try writeConnection.execute("PRAGMA temp_store=MEMORY")
        try writeConnection.execute("PRAGMA wal_autocheckpoint=10000")
        try Migrator.migrate(writeConnection, migrations)
        if let pages = options.maxPageCount { try writeConnection.execute("PRAGMA max_page_count = \(pages)") }
        schemaVersion = try Migrator.version(writeConnection)
        var readConnections: [Connection] = []
        for _ in 0..<max(1, options.readerCount) {
            let c = try Connection(path: path)
            try c.execute("PRAGMA query_only=1")
            try c.execute("PRAGMA foreign_keys=ON")
            try c.execute("PRAGMA cache_size=-32768")
            readConnections.append(c)
        }
        // Planner statistics for the query optimizer (cheap; SQLite only re-analyzes what changed a lot). They
        // are advice: when another server holds the file's write lock (several started together on a new
        // file, where every table is still unanalyzed) the server opens without them, never fails.
        do {
            try writeConnection.execute("PRAGMA optimize=0x10002")
        } catch {
            Log.debug("planner statistics not refreshed at open: \(error)")
        }
        writer = WriteQueue(connection: writeConnection, maxBatch: options.maxBatch)
        readers = ReaderPool(connections: readConnections)
    }

    /// Runs `body` on the writer inside its own savepoint of a group-committed transaction, and returns once
    /// that transaction is committed (durably, with `Durability.full`).
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await writer.run(body)
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await readers.run(body)
    }

    /// Runs a short read (a lookup by key) on the calling thread with that thread's own read connection.
    /// For bounded-time reads on I/O threads only: it saves the hops to the reader pool and back.
    public func readNow<T>(_ body: (any SQLDatabase) throws -> T) throws -> T {
        try threadReaders.with(
            open: { [path] in
                let c = try Connection(path: path)
                try c.execute("PRAGMA query_only=1")
                try c.execute("PRAGMA cache_size=-16384")
                return c
            }, body)
    }

    /// Writes a consistent copy of the database to `target` (SQLite online backup) while writes go on.
    public func backup(
        to target: String, progress: ((Int, Int) -> Void)? = nil, isCancelled: () -> Bool = { false }
    ) throws {
        backupLock.lock()
        defer { backupLock.unlock() }
        let source = try Connection(path: path)
        try source.execute("PRAGMA query_only=1")
        try source.backup(to: target, progress: progress, isCancelled: isCancelled)
    }

    /// One process serves a SQLite file: no other writer to hear from.
    public func observeExternalCommits(_ handler: @escaping @Sendable () -> Void) {}

    /// Size of the database file in bytes (without the WAL).
    public var fileSize: Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? 0
    }

    /// Transactions committed by the writer so far.
    public var commitCount: Int { writer.commits }

    /// Finishes queued writes, copies the whole WAL into the database file and closes every connection, so
    /// that after a clean stop the .sqlite file alone holds everything (a user may copy just that file).
    /// Call once no request runs; safe to call more than once.
    public func close() {
        guard threadReaders.closeAll() else { return }
        let writeConnection = writer.stop()
        readers.stop()
        do {
            try writeConnection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            Log.warn("closing the database: the final checkpoint failed (the -wal file keeps the data): \(error)")
        }
        writeConnection.close()
    }
}
