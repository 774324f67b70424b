import Foundation
import PostgresStore

/// The storage engine the suites run against: SQLite files by default; PostgreSQL when
/// `EXPORTDESK_TEST_POSTGRES` holds a libpq connection string to a database of a throwaway cluster
/// (`.ci/test` runs the suites once per engine). Each test's database is then a schema of its own.
public enum TestEngine {
    /// The base connection string, when the suites run on PostgreSQL.
    public static let postgres: String? = {
        let value = ProcessInfo.processInfo.environment["EXPORTDESK_TEST_POSTGRES"] ?? ""
        return value.isEmpty ? nil : value
    }()

    /// One connection of the process to the test database, for creating schemas (no psql per test).
    private static let admin = Admin()

    public static var isPostgreSQL: Bool { postgres != nil }
    public static var name: String { isPostgreSQL ? "PostgreSQL" : "SQLite" }

    /// A new, empty PostgreSQL schema in the test database, as a connection string that selects it.
    public static func newSchema(_ label: String) -> String {
        guard let base = postgres else { preconditionFailure("not running on PostgreSQL") }
        let name =
            "t_" + label.filter { $0.isLetter || $0.isNumber }.lowercased().prefix(20) + "_"
            + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        do {
            try admin.run { try $0.execute("CREATE SCHEMA \(name)") }
        } catch {
            preconditionFailure("cannot create a schema for the test: \(error)")
        }
        return base + " options='-csearch_path=\(name)'"
    }
}

extension TemporaryDirectory {
    /// The database a test serves: `name.sqlite` in this directory, or on PostgreSQL a schema of its own.
    /// The same name gives the same database for the life of the directory.
    public func database(_ name: String = "db") -> String {
        guard TestEngine.isPostgreSQL else { return file(name + ".sqlite") }
        return databases.withLock { known in
            if let existing = known[name] { return existing }
            let made = TestEngine.newSchema(name)
            known[name] = made
            return made
        }
    }
}

/// A PostgreSQL connection shared by the tests of a process, used under a lock.
private final class Admin: @unchecked Sendable {
    private let lock = NSLock()
    private var connection: PGConnection?

    func run(_ body: (PGConnection) throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        if connection == nil { connection = try PGConnection(conninfo: TestEngine.postgres ?? "") }
        try body(connection!)
    }
}
