import ExportDeskCore
import Foundation
import JSON
import JSONRPC
import SQLiteStore
import Storage
import Support
import TestSupport
import Testing

/// `updatedSince` answers the same whether it matches few companies (read through its index) or most of
/// them (the page walks the sort order and tests it): the plan changes, the answer must not.
struct UpdatedSinceTests {
    @Test func aDenseAndASelectiveUpdatedSinceListTheSameCompaniesInOrder() async throws {
        let f = try CompanyFixture()
        let count = CompanyListQuery.denseLimit + 150
        let ids = try await f.store.write { db -> [String] in
            try (0..<count).map { i in
                let ctx = WriteContext(
                    db: db, actor: "tester", action: "companies.create", nowMillis: 1_700_000_000_000 + Int64(i) * 1000)
                return try CompanyRepository.create(ctx, fields: ["name": .string("Компания \(i)")]).recordID
            }
        }
        // Every company but the first 10 was updated after `since`: dense. The last 20 only: selective.
        for (skipped, label) in [(10, "dense"), (count - 20, "selective")] {
            let since = WallClock.rfc3339(1_700_000_000_000 + Int64(skipped) * 1000)
            var seen: [String] = []
            var cursor: JSONValue = .null
            repeat {
                var params: JSONObject = [
                    "filter": ["updatedSince": .string(since)], "limit": 200, "includeTotal": true,
                ]
                if !cursor.isNull { params["cursor"] = cursor }
                let page = try await f.list(.object(params))
                let expected = JSONValue.number(.int(Int64(count - skipped)))
                #expect(page["total"] == expected, "\(label) total")
                seen += (page["items"]?.arrayValue ?? []).map(\.recordID)
                cursor = page["nextCursor"] ?? .null
            } while !cursor.isNull
            #expect(seen == Array(ids.dropFirst(skipped)), "\(label): every company updated since, in creation order")
        }
    }
}

/// `q` answers the same whether its word matches few companies (the matches are read and sorted) or many
/// (the page walks the sort order and tests each company against the matches).
struct DenseSearchTests {
    @Test func aDenseAndASelectiveSearchListTheSameCompaniesInOrder() async throws {
        let f = try CompanyFixture()
        let count = CompanyListQuery.denseLimit + 150
        let ids = try await f.store.write { db -> [String] in
            try (0..<count).map { i in
                let ctx = WriteContext(
                    db: db, actor: "tester", action: "companies.create", nowMillis: 1_700_000_000_000 + Int64(i) * 1000)
                let word = i % 60 == 0 ? "редкий" : "частый"
                return try CompanyRepository.create(ctx, fields: ["name": .string("Компания \(word) \(i)")]).recordID
            }
        }
        for (word, label, expected) in [
            ("частый", "dense", ids.enumerated().filter { $0.offset % 60 != 0 }.map(\.element)),
            ("редкий", "selective", ids.enumerated().filter { $0.offset % 60 == 0 }.map(\.element)),
        ] {
            for sort in ["createdAt", "-name"] {
                var seen: [String] = []
                var cursor: JSONValue = .null
                repeat {
                    var params: JSONObject = [
                        "filter": ["q": .string(word)], "limit": 200, "includeTotal": true, "sort": .string(sort),
                    ]
                    if !cursor.isNull { params["cursor"] = cursor }
                    let page = try await f.list(.object(params))
                    #expect(page["total"] == .number(.int(Int64(expected.count))), "\(label) total")
                    seen += (page["items"]?.arrayValue ?? []).map(\.recordID)
                    cursor = page["nextCursor"] ?? .null
                } while !cursor.isNull
                #expect(Set(seen) == Set(expected), "\(label) \(sort): every match once")
                #expect(seen.count == expected.count, "\(label) \(sort): no repeats")
                if sort == "createdAt" { #expect(seen == expected, "\(label): in creation order") }
            }
        }
    }
}

/// A facet (`tag`) or the `size`/`exportStatus` columns answer the same whether they match few companies (the
/// matches are collected and sorted) or many (the page walks the sort order and tests each company).
struct DenseFacetAndColumnTests {
    @Test func denseAndSparseFacetsAndColumnsListTheSameCompaniesInOrder() async throws {
        let f = try CompanyFixture()
        let count = CompanyListQuery.denseLimit + 150
        @Sendable func rare(_ i: Int) -> Bool { i % 60 == 0 }
        let ids = try await f.store.write { db -> [String] in
            try (0..<count).map { i in
                let ctx = WriteContext(
                    db: db, actor: "tester", action: "companies.create", nowMillis: 1_700_000_000_000 + Int64(i) * 1000)
                let fields: JSONObject = [
                    "name": .string("Компания \(i)"), "tags": [.string(rare(i) ? "редкий" : "частый")],
                    "size": .string(rare(i) ? "large" : "small"), "exportStatus": "active", "targetMarkets": ["CN"],
                ]
                return try CompanyRepository.create(ctx, fields: fields).recordID
            }
        }
        let common = ids.enumerated().filter { !rare($0.offset) }.map(\.element)
        let few = ids.enumerated().filter { rare($0.offset) }.map(\.element)
        let cases: [(JSONObject, [String], String)] = [
            (["tag": "частый"], common, "dense tag"), (["tag": "редкий"], few, "sparse tag"),
            (["tag": "нет такого"], [], "absent tag"),
            (["size": "small", "exportStatus": "active"], common, "dense columns"),
            (["size": "large", "exportStatus": "active"], few, "sparse columns"),
            (["tag": "частый", "size": "small"], common, "dense tag and column"),
            (["tag": "редкий", "size": "small"], [], "sparse tag, no company of that size"),
            (["targetMarket": "CN", "tag": "редкий"], few, "dense facet, sparse facet"),
            (["targetMarket": "CN", "tag": "частый", "size": "small"], common, "two dense facets and a column"),
            (["targetMarket": "CN", "tag": "нет такого", "size": "small"], [], "dense facet, absent facet"),
        ]
        for (filter, expected, label) in cases {
            let (seen, totals) = try await f.listAll(filter, limit: 200)
            for total in totals { #expect(total == .number(.int(Int64(expected.count))), "\(label) total") }
            #expect(seen == expected, "\(label): every match once, in creation order")
        }
    }
}
