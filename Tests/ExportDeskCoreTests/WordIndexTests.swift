import ExportDeskCore
import ExportDeskSchemas
import Foundation
import JSON
import SQLiteStore
import Storage
import Support
import TestSupport
import Testing

/// `q` on the simple entities reads a rare word's records from `record_words` and walks the sort order for a
/// common one: both plans, and the total counted from the index, must give the same records; the index must
/// follow renames and be filled for records written before it existed.
struct WordIndexTests {
    func list(
        _ store: any DataStore, _ params: JSONObject, includeTotal: Bool = true
    ) async throws -> (ids: [String], total: JSONValue?) {
        var ids: [String] = []
        var total: JSONValue?
        var cursor: JSONValue = .null
        repeat {
            var p = params
            p["limit"] = 300
            if includeTotal { p["includeTotal"] = true }
            if !cursor.isNull { p["cursor"] = cursor }
            let page = try await store.read { [p] db in
                try InstitutionRepository.list(
                    db, try TypedRecords.params(Params.InstitutionsList.self, p), only: nil
                ).json
            }
            total = page["total"]
            ids += (page["items"]?.arrayValue ?? []).map(\.recordID)
            cursor = page["nextCursor"] ?? .null
        } while !cursor.isNull
        return (ids, total)
    }

    @Test func rareAndCommonWordsFindTheSameRecordsAndFollowRenames() async throws {
        let f = try CompanyFixture()
        let count = 1150
        @Sendable func rare(_ i: Int) -> Bool { i % 60 == 0 }
        let ids = try await f.store.write { db -> [String] in
            try (0..<count).map { i in
                let ctx = WriteContext(db: db, actor: "tester", action: "institutions.create")
                let name = "Колледж \(rare(i) ? "редкий" : "частый") \(String(format: "%04d", i))"
                return try InstitutionRepository.create(ctx, fields: ["name": .string(name), "kind": "college"])
                    .recordID
            }
        }
        let few = ids.enumerated().filter { rare($0.offset) }.map(\.element)
        let common = ids.enumerated().filter { !rare($0.offset) }.map(\.element)
        let cases: [(String, [String])] = [
            ("част", common), ("частый колледж", common), ("ред", few), ("Редкий КОЛЛЕДЖ", few), ("колл", few + common),
            ("нет", []), ("редкий частый", []),
        ]
        for (q, expected) in cases {
            let (seen, total) = try await list(f.store, ["filter": ["q": .string(q)]])
            let inNameOrder = seen == expected
            #expect(inNameOrder, "\(q): every match once, in name order (\(seen.count) of \(expected.count))")
            #expect(total == .number(.int(Int64(expected.count))), "\(q): total")
            let (unCounted, none) = try await list(f.store, ["filter": ["q": .string(q)]], includeTotal: false)
            #expect(unCounted == expected && none == nil, "\(q): the same without a total")
        }
        let renamed = few[0]
        _ = try await f.write("institutions.update") {
            try InstitutionRepository.update($0, id: renamed, patch: ["name": "Особый колледж"], expectedVersion: nil)
        }
        #expect(
            try await list(f.store, ["filter": ["q": "редкий"]]).ids == Array(few.dropFirst()), "the old word is gone")
        #expect(try await list(f.store, ["filter": ["q": "особ"]]).ids == [renamed], "the new word is found")
    }

    /// Students have no default filter: a common word's total is the size of its set (SQLite), which must count
    /// each student once however many of their words the prefix starts, and agree with a filtered list's count.
    @Test func commonWordsCountEachRecordOnceWithAndWithoutOtherFilters() async throws {
        let fixture = try await InternshipFixture()
        let f = fixture.f
        let college = fixture.college
        // "иван" starts both "иванов" and "иван" in 2 of 3 names, so a student often has two matching words.
        @Sendable func name(_ i: Int) -> String {
            i % 3 == 0 ? "Петров Пётр \(i)" : (i % 3 == 1 ? "Иванов Иван \(i)" : "Иванова Ирина \(i)")
        }
        @Sendable func course(_ i: Int) -> Int64 { Int64(i % 4 + 1) }
        let ids = try await f.store.write { db -> [String] in
            try (0..<1_800).map { i in
                let ctx = WriteContext(db: db, actor: "tester", action: "students.create")
                return try StudentRepository.create(
                    ctx,
                    fields: [
                        "institutionId": .string(college), "fullName": .string(name(i)), "specialty": "15.02.10",
                        "course": .number(.int(course(i))),
                    ])["id"]!.stringValue!
            }
        }
        let cases: [(JSONObject, (Int) -> Bool, String)] = [
            (["q": "иван"], { $0 % 3 != 0 }, "a common prefix of two words of a name"),
            (["q": "иван ирин"], { $0 % 3 == 2 }, "two common words"),
            (["q": "иван", "course": 2], { $0 % 3 != 0 && course($0) == 2 }, "a common word and a column"),
            (["q": "петр"], { $0 % 3 == 0 }, "a word of 600 records, read from the index"),
        ]
        for (filter, keep, label) in cases {
            let expected = Set(ids.enumerated().filter { keep($0.offset) }.map(\.element))
            for includeTotal in [true, false] {
                var seen: [String] = []
                var cursor: JSONValue = .null
                repeat {
                    var p: JSONObject = ["filter": .object(filter), "limit": 250]
                    if includeTotal { p["includeTotal"] = true }
                    if !cursor.isNull { p["cursor"] = cursor }
                    let page = try await f.store.read { [p] db in
                        try StudentRepository.list(
                            db, try TypedRecords.params(Params.StudentsList.self, p), onlyInstitution: nil,
                            onlyCompany: nil
                        ).json
                    }
                    if includeTotal {
                        #expect(page["total"] == .number(.int(Int64(expected.count))), "\(label): total")
                    }
                    seen += (page["items"]?.arrayValue ?? []).map(\.recordID)
                    cursor = page["nextCursor"] ?? .null
                } while !cursor.isNull
                let listed = seen.count == expected.count && Set(seen) == expected
                #expect(listed, "\(label): every match once (\(seen.count) of \(expected.count))")
            }
        }
    }

    @Test func migrationFifteenIndexesTheWordsOfExistingRecords() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("db.sqlite")
        let old = try Store(path: path, migrations: Array(CoreMigrations.all.prefix(14)))
        try await old.write { db in
            try db.run(
                """
                INSERT INTO institutions(id, version, created_at, updated_at, data, status, kind, name_key, text_key)
                VALUES ('in_old', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z',
                        '{"id":"in_old","name":"Старый колледж","kind":"college","status":"active"}',
                        'active', 'college', 'старый колледж', ' старый колледж ')
                """)
        }
        old.close()
        let store = try Store(path: path, migrations: CoreMigrations.all)
        defer { store.close() }
        #expect(try await list(store, ["filter": ["q": "стар"]]).ids == ["in_old"])
        #expect(try await list(store, ["filter": ["q": "колледж старый"]]).total == .number(.int(1)))
    }
}

/// A list's page and its total come from one snapshot: while another task writes, every answer's total is the
/// number of records it lists (each fits on one page).
struct ListSnapshotTests {
    @Test func aTotalAlwaysCountsThePageItWasReadWith() async throws {
        let f = try CompanyFixture()
        let writer = Task {
            for i in 0..<300 {
                _ = try await f.write("institutions.create") {
                    try InstitutionRepository.create($0, fields: ["name": .string("Колледж \(i)"), "kind": "college"])
                }
            }
        }
        var disagreements = 0
        let reads = 400
        for _ in 0..<reads {
            let page = try await f.store.read { db in
                try InstitutionRepository.list(
                    db,
                    try TypedRecords.params(Params.InstitutionsList.self, ["limit": 500, "includeTotal": true]),
                    only: nil
                ).json
            }
            if page["total"] != .number(.int(Int64(page["items"]?.arrayValue?.count ?? -1))) { disagreements += 1 }
        }
        try await writer.value
        #expect(disagreements == 0, "\(disagreements) of \(reads) answers had a total other than their items")
    }
}
