import ExportDeskCore
import SQLiteStore
import Storage
import TestSupport

/// The counts `record_counts` keeps for `entity`, by value.
func storedCounts(_ db: any SQLDatabase, entity: String) throws -> [String: Int64] {
    var stored: [String: Int64] = [:]
    try db.query("SELECT value, n FROM record_counts WHERE entity = ?", [.text(entity)]) {
        stored[$0.text(0) ?? ""] = $0.int64(1)
    }
    return stored
}

/// The counts for `entity` of a database made with the migrations before `version` and filled by `fill`, once
/// the rest of the migrations have run on it: what a migration's backfill found.
func countsAfterMigrating(
    past version: Int, entity: String, _ fill: @escaping @Sendable (any SQLDatabase) throws -> Void
) async throws -> [String: Int64] {
    let dir = TemporaryDirectory()
    let path = dir.file("db.sqlite")
    let before = try Store(path: path, migrations: Array(CoreMigrations.all.prefix { $0.version < version }))
    try await before.write { db in try fill(db) }
    before.close()
    let after = try Store(path: path, migrations: CoreMigrations.all)
    defer { after.close() }
    return try await after.read { db in try storedCounts(db, entity: entity) }
}
