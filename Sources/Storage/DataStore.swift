import Foundation

/// How hard a commit is made durable before it is acknowledged.
public enum Durability: String, Sendable {
    /// An acknowledged write survives power loss (the default).
    case full
    /// Survives a crash of the process, may lose the last commits on power loss.
    case normal
}

/// How a store is opened, on either engine.
public struct StoreOptions: Sendable {
    public var durability = Durability.full
    public var readerCount = 2
    /// 1 disables group commit (one transaction per write), for comparison.
    public var maxBatch = 512
    /// SQLite only: caps the database size (`PRAGMA max_page_count`); writes beyond it fail as on a full disk.
    public var maxPageCount: Int?
    public init() {}
}

/// A database of either engine: one group-committing writer and readers. The domain holds `any DataStore`.
public protocol DataStore: AnyObject, Sendable {
    /// Where it is, for people: a path, or a connection string without its password.
    var location: String { get }
    /// The engine and its version, for `system.info` ("SQLite 3.40.1", "PostgreSQL 15.8").
    var engine: String { get }
    /// The migration level of the open database.
    var schemaVersion: Int { get }
    /// Transactions committed by this process's writer so far.
    var commitCount: Int { get }
    /// Size of the database in bytes.
    var size: Int64 { get }
    /// Runs `body` on the writer inside a group-committed transaction; returns once it is committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T
    /// Runs `body` on a reader connection.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T
    /// A short read (a lookup by key) on the calling thread with that thread's own read connection.
    func readNow<T>(_ body: (any SQLDatabase) throws -> T) throws -> T
    /// Writes a consistent copy to the file `target` while writes go on; an engine that cannot throws a
    /// StorageFailure naming the tool to use instead.
    func backup(to target: String, progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool) throws
    /// Calls `handler` when another process committed to this database (PostgreSQL's LISTEN/NOTIFY).
    /// SQLite is served by one process, so it never calls it.
    func observeExternalCommits(_ handler: @escaping @Sendable () -> Void)
    /// Finishes queued writes and closes every connection; safe to call more than once.
    func close()
}

/// An engine's failure, classified for the API: SPEC §2's STORAGE_UNAVAILABLE or DUPLICATE, else a bug.
public protocol StorageFailure: Error, CustomStringConvertible {
    /// The storage cannot take writes now (disk full, read-only, unreachable, locked past the timeout).
    var isStorageUnavailable: Bool { get }
    /// For a unique index that fired, the record field it keys, in the API's words.
    var uniqueField: String? { get }
    /// A sentence for the client, naming the condition without internals.
    var userMessage: String { get }
    /// For a value the engine cannot store (PostgreSQL and U+0000), why: the request is invalid, not a bug.
    var unstorableValue: String? { get }
}

extension StorageFailure {
    public var unstorableValue: String? { nil }

    /// snake_case column → the API's camelCase field (`email_key` → `email`, `ext_id` → `externalRef`).
    public static func field(ofColumns columns: [String]) -> String? {
        if columns.contains("ext_id") || columns.contains("ext_system") { return "externalRef" }
        guard let last = columns.last?.trimmingCharacters(in: [" "]), !last.isEmpty else { return nil }
        let base = last.hasSuffix("_key") ? String(last.dropLast(4)) : last
        let parts = base.split(separator: "_")
        return parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.capitalized }.joined()
    }
}

/// A backup that cannot be made (the target exists, or the engine copies its databases with its own tools).
public struct BackupError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// A write handed to a store that is closing: the server answers SHUTTING_DOWN.
public struct StoreClosed: Error, Sendable {
    public init() {}
}
