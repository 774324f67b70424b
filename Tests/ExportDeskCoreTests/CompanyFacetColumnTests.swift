import ExportDeskCore
import Foundation
import JSON
import SQLiteStore
import Storage
import Support
import TestSupport
import Testing

/// The total of a facet with `size`/`exportStatus` is counted from the facet rows alone (they carry both
/// columns since migration 14), and of those columns alone from `company_counts` (per status, size and export
/// status since migration 19): both must follow every change of the company, and old rows must be filled.
struct FacetColumnTotalTests {
    @Test func facetAndColumnTotalsFollowUpdatesArchiveAndRestore() async throws {
        let f = try CompanyFixture()
        let id = try await f.create(["name": "Прибор", "tags": ["экспорт"], "size": "small", "exportStatus": "active"])
            .recordID
        _ = try await f.create(["name": "Сосед", "tags": ["экспорт"], "size": "large"])
        _ = try await f.create(["name": "Без размера", "exportStatus": "active"])
        func total(_ filter: JSONObject) async throws -> JSONValue? {
            try await f.list(["filter": .object(filter), "includeTotal": true, "limit": 1])["total"]
        }
        func expectTotals(_ expected: [(JSONObject, Int64)], _ when: String) async throws {
            for (filter, n) in expected {
                #expect(try await total(filter) == .number(.int(n)), "\(when): \(filter)")
            }
        }
        try await expectTotals(
            [
                (["tag": "экспорт", "size": "small"], 1), (["tag": "экспорт", "size": "large"], 1),
                (["tag": "экспорт", "exportStatus": "active"], 1),
                (["tag": "экспорт", "size": "small", "exportStatus": "active"], 1),
                (["tag": "экспорт", "size": "large", "exportStatus": "active"], 0),
                (["size": "small"], 1), (["size": "large"], 1), (["exportStatus": "active"], 2),
                (["size": "small", "exportStatus": "active"], 1), ([:], 3), (["status": "archived"], 0),
            ], "created")
        _ = try await f.write("companies.update") {
            try CompanyRepository.update(
                $0, id: id, patch: ["size": "large", "exportStatus": "beginner"], expectedVersion: nil)
        }
        try await expectTotals(
            [
                (["tag": "экспорт", "size": "small"], 0), (["tag": "экспорт", "size": "large"], 2),
                (["tag": "экспорт", "exportStatus": "active"], 0), (["tag": "экспорт", "exportStatus": "beginner"], 1),
                (["size": "small"], 0), (["size": "large"], 2), (["exportStatus": "active"], 1),
                (["size": "large", "exportStatus": "beginner"], 1), ([:], 3),
            ], "size and export status changed")
        _ = try await f.write("companies.archive") { try CompanyRepository.archive($0, id: id, expectedVersion: nil) }
        try await expectTotals(
            [
                (["tag": "экспорт", "size": "large"], 1),
                (["tag": "экспорт", "size": "large", "status": "archived"], 1),
                (["tag": "экспорт", "exportStatus": "beginner", "status": "archived"], 1),
                (["size": "large"], 1), (["size": "large", "status": "archived"], 1), ([:], 2),
                (["status": "archived"], 1), (["exportStatus": "beginner", "status": "archived"], 1),
            ], "archived")
        _ = try await f.write("companies.restore") { try CompanyRepository.restore($0, id: id, expectedVersion: nil) }
        try await expectTotals(
            [
                (["tag": "экспорт", "size": "large"], 2),
                (["tag": "экспорт", "size": "large", "status": "archived"], 0),
                (["size": "large"], 2), (["size": "large", "status": "archived"], 0), ([:], 3),
            ],
            "restored")
    }

    @Test func migrationFourteenFillsTheColumnsOfExistingFacetRows() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("db.sqlite")
        let old = try Store(path: path, migrations: Array(CoreMigrations.all.prefix(13)))
        try await old.write { db in
            for (i, size) in ["small", "small", "large"].enumerated() {
                try db.run(
                    """
                    INSERT INTO companies(id, status, size, export_status, name_key, created_at, updated_at, version, data)
                    VALUES (?, 'active', ?, 'active', 'x', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 1, '{}')
                    """, [.text("co_\(i)"), .text(size)])
                try db.run(
                    "INSERT INTO company_facets(company_id, kind, value, status) VALUES (?, 'targetMarket', 'MX', 'active')",
                    [.text("co_\(i)")])
            }
        }
        old.close()
        let store = try Store(path: path, migrations: CoreMigrations.all)
        defer { store.close() }
        for (size, n) in [("small", 2), ("large", 1), ("micro", 0)] {
            // With the facet, from the facet rows; without it, from the counts migration 19 filled.
            for filter: JSONObject in [
                ["targetMarket": "MX", "size": .string(size), "exportStatus": "active"], ["size": .string(size)],
            ] {
                let page = try await store.read { db in
                    try CompanyRepository.list(
                        db, try CompanyListQuery(params: ["filter": .object(filter), "includeTotal": true])
                    ).json
                }
                #expect(page["total"] == .number(.int(Int64(n))), "\(filter)")
                #expect(page["items"]?.arrayValue?.count == n, "\(filter): the page agrees")
            }
        }
    }
}
