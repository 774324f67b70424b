import Foundation
import PostgresStore
import SQLiteStore
import Storage

/// Opens the database a location names, on its engine: a `postgresql://` or `postgres://` URL, or a
/// libpq `key=value` string, is PostgreSQL; anything else is the path of a SQLite file.
public enum Engines {
    /// True when `location` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgreSQL(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
            || (location.contains("=")
                && (location.contains("dbname=") || location.contains("host=") || location.contains("service=")))
    }

    /// Opens and migrates the database at `location`.
    public static func open(_ location: String, options: StoreOptions = StoreOptions()) throws -> any DataStore {
        if isPostgreSQL(location) {
            return try PostgresStore(conninfo: location, migrations: CoreMigrations.postgres, options: options)
        }
        return try Store(path: location, migrations: CoreMigrations.all, options: options)
    }

    /// The location as people may see it: a connection string without its password.
    public static func shown(_ location: String) -> String {
        isPostgreSQL(location) ? ConnInfo.redacted(location) : location
    }

    /// Whether the database at `location` exists already (for the start-up line); a server is asked, not guessed.
    public static func exists(_ location: String) -> Bool {
        isPostgreSQL(location) || FileManager.default.fileExists(atPath: location)
    }
}
