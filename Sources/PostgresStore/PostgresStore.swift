import Foundation
import Storage
import Support
import Synchronization

/// A PostgreSQL database: one group-committing writer per instance (writes of all instances serialised by a
/// transaction-level advisory lock), a pool of readers, and a listener that hears other instances' commits.
public final class PostgresStore: DataStore, @unchecked Sendable {
    private let conninfo: String
    public let location: String
    public let engine: String
    public private(set) var schemaVersion = 0
    private let writer: WriteQueue
    private let readers: ReaderPool
    private let threadReaders = ThreadConnections()
    private let listener: ChangeListener

    public init(conninfo: String, migrations: [Migration], options: StoreOptions = StoreOptions()) throws {
        self.conninfo = conninfo
        location = ConnInfo.redacted(conninfo)
        let writeConnection = try PGConnection(conninfo: conninfo)
        engine = "PostgreSQL " + writeConnection.serverVersion
        if options.durability == .normal { try writeConnection.execute("SET synchronous_commit TO off") }
        try Migrator.migrate(writeConnection, migrations)
        schemaVersion = try Migrator.version(writeConnection)
        var readConnections: [any SQLDatabase] = []
        for _ in 0..<max(1, options.readerCount) { readConnections.append(try Self.reader(conninfo)) }
        listener = try ChangeListener(connection: PGConnection(conninfo: conninfo))
        writer = WriteQueue(connection: writeConnection, maxBatch: options.maxBatch)
        readers = ReaderPool(connections: readConnections)
    }

    /// A read-only session whose statements give up after `timeoutMillis` rather than hold a thread for ever:
    /// 30 s on the reader pool (lists, reports), 2 s on an I/O thread (`readNow`, lookups by key), where a
    /// stalled server would otherwise stall every connection of that event loop.
    private static func reader(_ conninfo: String, timeoutMillis: Int = 30_000) throws -> PGConnection {
        let c = try PGConnection(conninfo: conninfo)
        try c.execute("SET default_transaction_read_only TO on; SET statement_timeout TO \(timeoutMillis)")
        return c
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await writer.run(body)
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        try await readers.run(body)
    }

    public func readNow<T>(_ body: (any SQLDatabase) throws -> T) throws -> T {
        try threadReaders.with(open: { [conninfo] in try Self.reader(conninfo, timeoutMillis: 2_000) }, body)
    }

    /// Decided: ExportDesk does not copy a PostgreSQL database itself; pg_dump does it consistently, and an
    /// operator who runs PostgreSQL already backs it up with it (or with base backups).
    public func backup(to target: String, progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool) throws {
        throw BackupError(
            description:
                "system.backup copies SQLite databases only; back up a PostgreSQL database with pg_dump (pg_dump -Fc -f \(target) DBNAME) or the server's base backups"
        )
    }

    public func observeExternalCommits(_ handler: @escaping @Sendable () -> Void) { listener.onCommit(handler) }

    public var commitCount: Int { writer.commits }

    /// The database's size, asked of the server at most every 5 s: `system.info` answers on an I/O thread,
    /// and a client polling it must not cost a round trip per call.
    public var size: Int64 {
        let now = Date()
        if let cached = sizeCache.withLock({ c in c.flatMap { now.timeIntervalSince($0.at) < 5 ? $0.bytes : nil } }) {
            return cached
        }
        let bytes =
            (try? readNow { db in try db.scalar("SELECT pg_database_size(current_database())") }).flatMap { $0 } ?? 0
        sizeCache.withLock { $0 = (now, bytes) }
        return bytes
    }
    private let sizeCache = Mutex<(at: Date, bytes: Int64)?>(nil)

    public func close() {
        guard threadReaders.closeAll() else { return }
        listener.stop()
        writer.stop().close()
        readers.stop()
    }
}
