import ExportDeskCore
import Foundation
import JSON
import Storage
import Support
import TestSupport
import Testing

/// A common word's total and pages come from its matches read once (a bitmap the page and the total test):
/// they must count only the companies of the status asked for, with every other filter applied, and agree
/// with a rare word's plan.
struct DenseSearchStatusTests {
    @Test func aDenseSearchCountsAndListsOnlyTheStatusAndFiltersAskedFor() async throws {
        let f = try CompanyFixture()
        let count = CompanyListQuery.denseLimit + 150
        @Sendable func small(_ i: Int) -> Bool { i % 3 == 0 }
        @Sendable func archived(_ i: Int) -> Bool { i % 7 == 0 }
        @Sendable func chinese(_ i: Int) -> Bool { i % 2 == 0 }
        // 1,035 of 1,150 have the word: still dense, and a plan that forgot `q` would count the other 115.
        @Sendable func has(_ i: Int) -> Bool { i % 10 != 4 }
        let ids = try await f.store.write { db -> [String] in
            try (0..<count).map { i in
                let ctx = WriteContext(
                    db: db, actor: "tester", action: "companies.create", nowMillis: 1_700_000_000_000 + Int64(i) * 1000)
                let fields: JSONObject = [
                    "name": .string("Компания \(has(i) ? "частый" : "прочий") \(i)"),
                    "size": .string(small(i) ? "small" : "large"),
                    "targetMarkets": chinese(i) ? ["CN", "DE"] : ["DE"],
                ]
                return try CompanyRepository.create(ctx, fields: fields).recordID
            }
        }
        for (i, id) in ids.enumerated() where archived(i) {
            _ = try await f.write("companies.archive") {
                try CompanyRepository.archive($0, id: id, expectedVersion: nil)
            }
        }
        func those(_ keep: (Int) -> Bool) -> [String] { ids.enumerated().filter { keep($0.offset) }.map(\.element) }
        let cases: [(JSONObject, [String], String)] = [
            (["q": "частый"], those { has($0) && !archived($0) }, "active: the archived matches are not counted"),
            (["q": "частый", "status": "archived"], those { has($0) && archived($0) }, "archived only"),
            (["q": "частый", "size": "small"], those { has($0) && !archived($0) && small($0) }, "with a column"),
            (["q": "частый компания"], those { has($0) && !archived($0) }, "two words"),
            (["q": "частый", "targetMarket": "CN"], those { has($0) && !archived($0) && chinese($0) }, "with a facet"),
            (
                ["q": "частый", "targetMarket": "CN", "size": "small", "status": "archived"],
                those { has($0) && archived($0) && chinese($0) && small($0) }, "archived, with a facet and a column"
            ),
            (["q": "частый", "targetMarket": "CN", "tag": "нет"], [], "with a facet and an absent one"),
            (["q": "частый нет"], [], "a second word nobody has"),
        ]
        for (filter, expected, label) in cases {
            let (seen, totals) = try await f.listAll(filter, limit: 300)
            for total in totals { #expect(total == .number(.int(Int64(expected.count))), "\(label) total") }
            #expect(seen == expected, "\(label): every match once, in creation order")
        }
    }
}
