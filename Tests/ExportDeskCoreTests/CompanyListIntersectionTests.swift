import Foundation
import JSON
import Storage
import Support
import TestSupport
import Testing

@testable import ExportDeskCore

/// A total that several filters of many matches decide is counted by intersecting their matches in memory
/// (SQLite): it must equal the count of the companies every filter keeps, with a prefix's companies counted
/// once, and the pages must list exactly those in creation order, as the SQL plans do on PostgreSQL.
struct DenseIntersectionTests {
    @Test func severalDenseFiltersCountAndListOnlyTheCompaniesEveryOneKeeps() async throws {
        let f = try CompanyFixture()
        let count = CompanyListQuery.denseLimit + 500
        // Each filter drops companies the others keep, so a plan that forgets any one of them miscounts. The
        // searched word is in names only (tags are searched too).
        @Sendable func archived(_ i: Int) -> Bool { i % 7 == 0 }
        @Sendable func tagged(_ i: Int) -> Bool { i % 13 != 0 }
        @Sendable func german(_ i: Int) -> Bool { i % 11 != 0 }
        @Sendable func chinese(_ i: Int) -> Bool { i % 2 == 0 }
        @Sendable func word(_ i: Int) -> Bool { i % 10 != 4 }
        @Sendable func small(_ i: Int) -> Bool { i % 3 != 1 }
        @Sendable func exporting(_ i: Int) -> Bool { i % 4 != 3 }
        // okved 21.20 for even companies, 21.21 for those not divisible by 5: many have both.
        @Sendable func okved(_ i: Int) -> [JSONValue] {
            (i % 2 == 0 ? ["21.20"] : []) + (i % 5 != 0 ? ["21.21"] : [])
        }
        let ids = try await f.store.write { db -> [String] in
            try (0..<count).map { i in
                let ctx = WriteContext(
                    db: db, actor: "tester", action: "companies.create", nowMillis: 1_700_000_000_000 + Int64(i) * 1000)
                let markets: [JSONValue] = (german(i) ? ["DE"] : []) + (chinese(i) ? ["CN"] : [])
                let fields: JSONObject = [
                    "name": .string("Компания \(word(i) ? "частый" : "прочий") \(i)"),
                    "tags": tagged(i) ? ["станки"] : ["приборы"], "targetMarkets": .array(markets),
                    "okved": .array(okved(i)), "size": .string(small(i) ? "small" : "large"),
                    "exportStatus": .string(exporting(i) ? "active" : "beginner"),
                ]
                return try CompanyRepository.create(ctx, fields: fields).recordID
            }
        }
        for (i, id) in ids.enumerated() where archived(i) {
            _ = try await f.write("companies.archive") {
                try CompanyRepository.archive($0, id: id, expectedVersion: nil)
            }
        }
        func active(_ keep: @escaping (Int) -> Bool) -> (Int) -> Bool { { !archived($0) && keep($0) } }
        let cases: [(JSONObject, (Int) -> Bool, String, Bool)] = [
            (["tag": "станки", "targetMarket": "DE"], active { tagged($0) && german($0) }, "two dense facets", true),
            (
                ["tag": "станки", "targetMarket": "DE", "okvedPrefix": "21.2"],
                active { tagged($0) && german($0) && !okved($0).isEmpty }, "a prefix's companies once", true
            ),
            (["q": "частый", "tag": "станки"], active { word($0) && tagged($0) }, "a search and a facet", true),
            (["q": "частый", "size": "small"], active { word($0) && small($0) }, "a search and a column", true),
            (
                ["q": "частый", "size": "small", "exportStatus": "active"],
                active { word($0) && small($0) && exporting($0) }, "a search and both columns", true
            ),
            (
                ["q": "частый", "targetMarket": "DE", "size": "large", "exportStatus": "beginner"],
                active { word($0) && german($0) && !small($0) && !exporting($0) }, "a search, a facet, columns", true
            ),
            (
                ["tag": "станки", "targetMarket": "DE", "status": "archived"],
                { archived($0) && tagged($0) && german($0) }, "archived: few, so the SQL plan", false
            ),
            (["tag": "станки", "targetMarket": "CN"], active { tagged($0) && chinese($0) }, "a sparse facet", false),
            (["tag": "станки", "targetMarket": "FR"], { _ in false }, "an absent facet", false),
        ]
        for (filter, keep, label, intersected) in cases {
            let expected = ids.enumerated().filter { keep($0.offset) }.map(\.element)
            let (seen, totals) = try await f.listAll(filter, limit: 300)
            for total in totals { #expect(total == .number(.int(Int64(expected.count))), "\(label) total") }
            let listed = seen == expected
            #expect(listed, "\(label): every company once, in creation order (\(seen.count) of \(expected.count))")
            let planned = try await f.store.read { db -> (Bool, Bool) in
                var query = try CompanyListQuery(params: ["filter": .object(filter), "includeTotal": true])
                try query.resolvePrefixes(db)
                return (db.dialect == .sqlite, query.intersection != nil)
            }
            if planned.0 { #expect(planned.1 == intersected, "\(label): intersected in memory") }
        }
    }
}
