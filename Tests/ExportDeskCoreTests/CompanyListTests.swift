import ExportDeskCore
import Foundation
import JSON
import JSONRPC
import SQLiteStore
import Storage
import Support
import TestSupport
import Testing

struct CompanyListTests {
    func seed(_ f: CompanyFixture) async throws {
        let rows: [JSONObject] = [
            [
                "name": "ТЕХНОПОЛИС Москва", "size": "medium", "exportStatus": "beginner",
                "targetMarkets": ["SA", "AE"], "okved": ["26.51"], "hsCodes": ["903180"], "tags": ["приборы"],
            ],
            [
                "name": "Agro Export", "size": "small", "exportStatus": "active", "targetMarkets": ["CN"],
                "okved": ["01.11"], "hsCodes": ["1001"], "notes": "зерно и технополис-партнёр",
            ],
            [
                "name": "Медтех", "size": "small", "exportStatus": "non_exporter", "targetMarkets": ["IN", "SA"],
                "okved": ["26.60"], "tags": ["медицина", "приборы"],
            ],
        ]
        for r in rows { _ = try await f.create(r) }
    }

    func names(_ result: JSONValue) -> [String] {
        (result["items"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    @Test func everyFilterNarrowsTheList() async throws {
        let f = try CompanyFixture()
        try await seed(f)
        #expect(names(try await f.list(["filter": ["size": "small"]])) == ["Agro Export", "Медтех"])
        #expect(names(try await f.list(["filter": ["exportStatus": "active"]])) == ["Agro Export"])
        #expect(names(try await f.list(["filter": ["targetMarket": "SA"]])) == ["ТЕХНОПОЛИС Москва", "Медтех"])
        #expect(names(try await f.list(["filter": ["okvedPrefix": "26"]])) == ["ТЕХНОПОЛИС Москва", "Медтех"])
        #expect(names(try await f.list(["filter": ["okvedPrefix": "26.6"]])) == ["Медтех"])
        #expect(names(try await f.list(["filter": ["hsPrefix": "90"]])) == ["ТЕХНОПОЛИС Москва"])
        #expect(names(try await f.list(["filter": ["tag": "приборы"]])) == ["ТЕХНОПОЛИС Москва", "Медтех"])
        #expect(names(try await f.list(["filter": ["tag": "приборы", "size": "small"]])) == ["Медтех"])
        #expect(names(try await f.list(["filter": ["updatedSince": "2000-01-01T00:00:00Z"]])).count == 3)
        #expect(names(try await f.list(["filter": ["updatedSince": "2999-01-01T00:00:00+03:00"]])).isEmpty)
    }

    @Test func searchFoldsCyrillicCaseAndMatchesWordPrefixes() async throws {
        let f = try CompanyFixture()
        try await seed(f)
        #expect(
            names(try await f.list(["filter": ["q": "технополис"]])) == ["ТЕХНОПОЛИС Москва", "Agro Export"],
            "name and notes")
        #expect(
            names(try await f.list(["filter": ["q": "ТЕХНО"]])) == ["ТЕХНОПОЛИС Москва", "Agro Export"], "word prefix")
        #expect(names(try await f.list(["filter": ["q": "медиц"]])) == ["Медтех"], "tags")
        #expect(names(try await f.list(["filter": ["q": "export agro"]])) == ["Agro Export"], "all words, any order")
        #expect(names(try await f.list(["filter": ["q": "полис"]])).isEmpty, "not a substring search")
    }

    @Test func updatesReindexSearchAndFilters() async throws {
        let f = try CompanyFixture()
        let id = try await f.create(["name": "Альфа Приборы", "targetMarkets": ["CN"], "tags": ["старое"]])["id"]!
            .stringValue!
        _ = try await f.write("companies.update") {
            try CompanyRepository.update(
                $0, id: id, patch: ["name": "Бета Станки", "targetMarkets": ["IN"], "tags": ["новое"]],
                expectedVersion: nil)
        }
        #expect(names(try await f.list(["filter": ["q": "альфа"]])).isEmpty, "old words no longer match")
        #expect(names(try await f.list(["filter": ["q": "старое"]])).isEmpty)
        #expect(names(try await f.list(["filter": ["q": "бета"]])) == ["Бета Станки"])
        #expect(names(try await f.list(["filter": ["q": "новое"]])) == ["Бета Станки"])
        #expect(names(try await f.list(["filter": ["targetMarket": "CN"]])).isEmpty, "old market no longer matches")
        #expect(names(try await f.list(["filter": ["targetMarket": "IN"]])) == ["Бета Станки"])
        _ = try await f.write("companies.update") {
            try CompanyRepository.update($0, id: id, patch: ["tags": .null], expectedVersion: nil)
        }
        #expect(names(try await f.list(["filter": ["tag": "новое"]])).isEmpty)
        #expect(
            names(try await f.list(["filter": ["q": "станки"]])) == ["Бета Станки"],
            "an update that keeps the name keeps it findable")
    }

    @Test func archivedAreLeftOutUnlessAskedFor() async throws {
        let f = try CompanyFixture()
        let id = try await f.create(["name": "Old"])["id"]!.stringValue!
        _ = try await f.create(["name": "New"])
        _ = try await f.write("companies.archive") { try CompanyRepository.archive($0, id: id, expectedVersion: nil) }
        #expect(names(try await f.list([:])) == ["New"])
        #expect(names(try await f.list(["filter": ["status": "archived"]])) == ["Old"])
    }

    @Test func sortsAndCountsAndPagesWithoutSkipsOrRepeats() async throws {
        let f = try CompanyFixture()
        for i in 0..<50 { _ = try await f.create(["name": .string(String(format: "Company %02d", (i * 37) % 50))]) }
        for sort in ["name", "-name", "createdAt", "-createdAt", "updatedAt"] {
            var seen: [String] = []
            var cursor: JSONValue = .null
            var pages = 0
            repeat {
                var params: JSONObject = ["sort": .string(sort), "limit": 7, "includeTotal": true]
                if !cursor.isNull { params["cursor"] = cursor }
                let page = try await f.list(.object(params))
                #expect(page["total"] == 50)
                seen += names(page)
                cursor = page["nextCursor"] ?? .null
                pages += 1
            } while !cursor.isNull
            #expect(seen.count == 50 && Set(seen).count == 50, "\(sort)")
            #expect(pages == 8)
            if sort == "name" { #expect(seen == seen.sorted()) }
            if sort == "-name" { #expect(seen == seen.sorted().reversed()) }
        }
        let wrong = await rpcError {
            let first = try await f.list(["sort": "name", "limit": 5])
            return try await f.list(["sort": "-name", "cursor": first["nextCursor"]!])
        }
        #expect(wrong?.code == -32602 && wrong?.data["errors"]?.arrayValue?.first?["instancePath"] == "/cursor")
    }

    /// includeTotal is answered from maintained counts and the facet index; it must equal the items listed.
    @Test func totalsAgreeWithTheItemsForEveryKindOfFilter() async throws {
        let f = try CompanyFixture()
        var ids: [String] = []
        for i in 0..<60 {
            let markets: [JSONValue] = [["CN", "SA", "MX"][i % 3], ["IN", "AE"][i % 2]]
            ids.append(
                try await f.create([
                    "name": .string("Компания \(i)"), "size": .string(["small", "medium", "large"][i % 3]),
                    "exportStatus": .string(["beginner", "active"][i % 2]),
                    "targetMarkets": .array(markets),
                    "okved": .array([.string(["26.51", "26.60", "28.29"][i % 3]), .string(["26.30", "28.29"][i % 2])]),
                    "tags": .array(i % 4 == 0 ? ["приборы", "экспорт"] : ["агро"]),
                ])["id"]!.stringValue!)
        }
        for id in ids.prefix(12) {
            _ = try await f.write("companies.archive") {
                try CompanyRepository.archive($0, id: id, expectedVersion: nil)
            }
        }
        let restored = ids[0]
        let changed = ids[20]
        _ = try await f.write("companies.restore") {
            try CompanyRepository.restore($0, id: restored, expectedVersion: nil)
        }
        _ = try await f.write("companies.update") {
            try CompanyRepository.update(
                $0, id: changed, patch: ["targetMarkets": ["MX"], "tags": ["приборы"]], expectedVersion: nil)
        }
        // A size and an export status that change move the kept counts too.
        let resized = ids[30]
        _ = try await f.write("companies.update") {
            try CompanyRepository.update(
                $0, id: resized, patch: ["size": "large", "exportStatus": nil], expectedVersion: nil)
        }
        let filters: [JSONObject] = [
            [:], ["status": "archived"], ["targetMarket": "MX"], ["targetMarket": "MX", "status": "archived"],
            ["tag": "приборы"],
            ["okvedPrefix": "26"], ["okvedPrefix": "26.6"], ["targetMarket": "IN", "size": "small"],
            ["tag": "приборы", "targetMarket": "MX"],
            ["okvedPrefix": "2", "tag": "агро"], ["size": "large"], ["q": "компания"],
            ["q": "компания", "targetMarket": "SA"], ["tag": "агро", "size": "medium"],
            ["targetMarket": "SA", "exportStatus": "active"], ["tag": "приборы", "status": "archived"],
            ["targetMarket": "CN", "size": "large", "exportStatus": "beginner"], ["targetMarket": "ZZ"],
            ["tag": "агро", "size": "large", "exportStatus": "active", "status": "archived"],
        ]
        for filter in filters + [["okvedPrefix": "9"], ["hsPrefix": "84"], ["okvedPrefix": "2", "size": "small"]] {
            // Prefixes resolved to their values, and matched as ranges of the index: the same items and totals.
            var seen: [[JSONValue]] = []
            for limit in [64, 0] {
                let params: JSONValue = ["filter": .object(filter), "limit": 500, "includeTotal": true]
                let page = try await f.store.read { db in
                    try CompanyRepository.list(db, try CompanyListQuery(params: params), prefixValueLimit: limit)
                }
                let items = page["items"]?.arrayValue ?? []
                #expect(page["total"] == .number(.int(Int64(items.count))), "\(filter), prefix values up to \(limit)")
                seen.append(items.map { $0["id"] ?? .null })
            }
            #expect(seen[0] == seen[1], "\(filter)")
        }
        let active = try await f.list(["includeTotal": true, "limit": 1])
        #expect(active["total"] == 49, "60 created, 12 archived, 1 restored")
    }

    @Test func paginationIsStableWhileOthersInsert() async throws {
        let f = try CompanyFixture()
        var original = Set<String>()
        for i in 0..<120 { original.insert(try await f.create(["name": .string("Base \(i)")])["id"]!.stringValue!) }
        let inserter = Task {
            for i in 0..<200 { _ = try await f.create(["name": .string("Concurrent \(i)")]) }
        }
        var seen: [String] = []
        var cursor: JSONValue = .null
        repeat {
            var params: JSONObject = ["limit": 9, "sort": "name"]
            if !cursor.isNull { params["cursor"] = cursor }
            let page = try await f.list(.object(params))
            seen += (page["items"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            cursor = page["nextCursor"] ?? .null
        } while !cursor.isNull
        try await inserter.value
        #expect(seen.count == Set(seen).count, "no row repeated")
        #expect(original.isSubset(of: Set(seen)), "no row that existed throughout was skipped")
    }
}

struct CompanyMigrationTests {
    /// A database written before migration 9 keeps its facets (now with the company's status) and gets its
    /// per-status counts.
    @Test func migrationNineCarriesFacetsAndCountsOver() async throws {
        let dir = TemporaryDirectory()
        let path = dir.file("db.sqlite")
        let old = try Store(path: path, migrations: Array(CoreMigrations.all.prefix(8)))
        try await old.write { db in
            for (i, status) in ["active", "active", "archived"].enumerated() {
                try db.run(
                    """
                    INSERT INTO companies(id, status, name_key, created_at, updated_at, version, data)
                    VALUES (?, ?, 'x', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 1, '{}')
                    """, [.text("co_\(i)"), .text(status)])
                try db.run(
                    "INSERT INTO company_facets(company_id, kind, value) VALUES (?, 'targetMarket', 'MX')",
                    [.text("co_\(i)")])
            }
        }
        old.close()
        let store = try Store(path: path, migrations: CoreMigrations.all)
        defer { store.close() }
        let (facets, counts) = try await store.read { db -> ([String], [String]) in
            var facets: [String] = []
            var counts: [String] = []
            try db.query("SELECT company_id || ':' || status FROM company_facets ORDER BY company_id") {
                facets.append($0.text(0) ?? "")
            }
            try db.query("SELECT status || '=' || sum(n) FROM company_counts GROUP BY status ORDER BY status") {
                counts.append($0.text(0) ?? "")
            }
            return (facets, counts)
        }
        #expect(facets == ["co_0:active", "co_1:active", "co_2:archived"])
        #expect(counts == ["active=2", "archived=1"])
    }
}
