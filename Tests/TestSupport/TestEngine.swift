import Foundation

/// The storage engine the suites run against: SQLite files by default; PostgreSQL when
/// `EXPORTDESK_TEST_POSTGRES` holds a libpq connection string to a database of a throwaway cluster
/// (`.ci/test` runs the suites once per engine). Each test's database is then a schema of its own.
public enum TestEngine {
    /// The base connection string, when the suites run on PostgreSQL.
    public static let postgres: String? = {
        let value = ProcessInfo.processInfo.environment["EXPORTDESK_TEST_POSTGRES"] ?? ""
        return value.isEmpty ? nil : value
    }()

    public static var isPostgreSQL: Bool { postgres != nil }
    public static var name: String { isPostgreSQL ? "PostgreSQL" : "SQLite" }

    /// A new, empty PostgreSQL schema in the test database, as a connection string that selects it.
    public static func newSchema(_ label: String) -> String {
        guard let base = postgres else { preconditionFailure("not running on PostgreSQL") }
        let name = "t_" + label.filter { $0.isLetter || $0.isNumber }.lowercased().prefix(20) + "_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let psql = ["/usr/bin/psql", "/usr/lib/postgresql/15/bin/psql"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "psql"
        let made = try? Command.run(psql, [base, "-qXc", "CREATE SCHEMA \(name)"])
        precondition(made?.status == 0, "cannot create a schema for the test: \(made?.err ?? "psql not found")")
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
