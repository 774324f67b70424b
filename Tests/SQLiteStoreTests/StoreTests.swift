import Foundation
import Storage
import TestSupport
import Testing

@testable import SQLiteStore

struct StoreTests {
    static let migrations = [
        Migration(version: 1, sql: "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"),
        Migration(version: 2, sql: "ALTER TABLE items ADD COLUMN note TEXT;"),
    ]

    @Test func migrationsRunOnceAndRecordTheVersion() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("db.sqlite"), migrations: Self.migrations)
        store.close()
        let again = try Store(path: dir.file("db.sqlite"), migrations: Self.migrations)
        again.close()
        let c = try Connection(path: dir.file("db.sqlite"))
        #expect(try Migrator.version(c) == 2)
        #expect(try c.scalar("SELECT count(*) FROM pragma_table_info('items') WHERE name = 'note'") == 1)
    }

    @Test func aDatabaseFromANewerVersionIsRefused() throws {
        let dir = TemporaryDirectory()
        let c = try Connection(path: dir.file("db.sqlite"))
        try c.execute("PRAGMA user_version = 99")
        do {
            _ = try Store(path: dir.file("db.sqlite"), migrations: Self.migrations)
            Issue.record("a newer database was opened")
        } catch {
            let text = (error as? Migrator.NewerDatabase)?.description ?? "\(error)"
            #expect(text.contains("schema version 99"))
            #expect(text.contains("newer ExportDesk"))
        }
    }

    @Test func concurrentWritesShareCommitsAndAFailureSparesItsNeighbours() async throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("db.sqlite"), migrations: Self.migrations)
        defer { store.close() }
        let results = await withTaskGroup(of: Bool.self) { group -> [Bool] in
            for i in 0..<400 {
                group.addTask {
                    // Every 10th write breaks the UNIQUE constraint and must fail alone.
                    let name = i % 10 == 9 ? "dup" : "item-\(i)"
                    do {
                        try await store.write { db in try db.run("INSERT INTO items(name) VALUES (?)", [.text(name)]) }
                        return true
                    } catch {
                        return false
                    }
                }
            }
            var all: [Bool] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.filter { $0 }.count == 361, "360 unique names + the first 'dup'")
        let count = try await store.read { db in try db.scalar("SELECT count(*) FROM items") }
        #expect(count == 361)
        #expect(
            store.commitCount < 400, "group commit put several writes in one transaction (\(store.commitCount) commits)"
        )
    }

    @Test func aRequestThatFailsAfterWritingLeavesNothingAndSparesItsNeighbours() async throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("db.sqlite"), migrations: Self.migrations)
        defer { store.close() }
        struct Refused: Error {}
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group -> [Int: Bool] in
            for i in 0..<60 {
                group.addTask {
                    do {
                        try await store.write { db in
                            try db.run("INSERT INTO items(name) VALUES (?)", [.text("row-\(i)")])
                            // Every 7th request fails after it has written: its row must not survive.
                            if i % 7 == 3 { throw Refused() }
                        }
                        return (i, true)
                    } catch {
                        return (i, false)
                    }
                }
            }
            var all: [Int: Bool] = [:]
            for await (i, ok) in group { all[i] = ok }
            return all
        }
        let names = try await store.read { db -> [String] in
            var names: [String] = []
            try db.query("SELECT name FROM items ORDER BY id") { names.append($0.text(0) ?? "") }
            return names
        }
        let expected = (0..<60).filter { $0 % 7 != 3 }
        #expect(outcomes.filter { $0.value }.keys.sorted() == expected)
        #expect(Set(names) == Set(expected.map { "row-\($0)" }))
    }

    @Test func readOnlyStorageIsReportedAsUnavailableAndNothingIsWritten() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("db.sqlite")
        let store = try Store(path: path, migrations: Self.migrations)
        try await store.write { db in try db.run("INSERT INTO items(name) VALUES ('kept')") }
        store.close()
        // Reopen with the file read-only: writes fail with a storage error, reads still work.
        let c = try Connection(path: path, readOnly: true)
        do {
            try c.run("INSERT INTO items(name) VALUES ('lost')")
            Issue.record("wrote to a read-only database")
        } catch let error as SQLiteError {
            #expect(error.isStorageUnavailable)
            #expect(error.userMessage.contains("read-only"))
        }
        #expect(try c.scalar("SELECT count(*) FROM items") == 1)
    }

    @Test func backupIsAConsistentCopyWhileWritesGoOn() async throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("db.sqlite"), migrations: Self.migrations)
        defer { store.close() }
        for i in 0..<200 {
            try await store.write { db in try db.run("INSERT INTO items(name) VALUES (?)", [.text("a\(i)")]) }
        }
        let writer = Task {
            for i in 0..<200 {
                try await store.write { db in try db.run("INSERT INTO items(name) VALUES (?)", [.text("b\(i)")]) }
            }
        }
        try store.backup(to: dir.file("copy.sqlite"))
        try await writer.value
        let copy = try Connection(path: dir.file("copy.sqlite"))
        let n = try copy.scalar("SELECT count(*) FROM items") ?? -1
        #expect(n >= 200 && n <= 400)
        var integrity = ""
        try copy.query("PRAGMA integrity_check") { integrity = $0.text(0) ?? "" }
        #expect(integrity == "ok")
    }
}
