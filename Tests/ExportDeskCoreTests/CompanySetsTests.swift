import Foundation
import JSON
import Storage
import Support
import TestSupport
import Testing

@testable import ExportDeskCore

/// `companies.list` keeps the rowid sets of its dense filters between lists (SQLite): a list at the same state
/// must answer exactly what reading them again would, and after any company write (create, update, archive,
/// restore) the next list patches them from the change log or reads them again, so a user never sees a total
/// or a page of an older state.
struct CompanySetsTests {
    /// One company as the lists should see it.
    struct Model {
        let id: String
        var tagged: Bool
        var markets: Set<String>
        var okved: Bool
        var archived = false
    }

    @Test func keptSetsAnswerAsTheDatabaseDoesBeforeAndAfterEveryWrite() async throws {
        let f = try CompanyFixture()
        // Each source matches over 1,000 companies (dense); DE with the tag leaves about 150, read by rowid.
        @Sendable func tagged(_ i: Int) -> Bool { i % 2 == 1 || i % 7 == 0 }
        @Sendable func markets(_ i: Int) -> [String] { (i % 2 == 0 ? ["DE"] : []) + (i % 3 != 0 ? ["CN"] : []) }
        @Sendable func okved(_ i: Int) -> Bool { i % 5 != 0 }
        let ids = try await f.store.write { db -> [String] in
            try (0..<2_200).map { i in
                let ctx = WriteContext(
                    db: db, actor: "tester", action: "companies.create", nowMillis: 1_700_000_000_000 + Int64(i) * 1000)
                let fields: JSONObject = [
                    "name": .string("Компания \(i)"), "tags": tagged(i) ? ["станки"] : ["приборы"],
                    "targetMarkets": .array(markets(i).map { .string($0) }),
                    "okved": okved(i) ? ["21.20"] : ["10.11"],
                ]
                return try CompanyRepository.create(ctx, fields: fields).recordID
            }
        }
        var model = ids.enumerated().map { i, id in
            Model(id: id, tagged: tagged(i), markets: Set(markets(i)), okved: okved(i))
        }
        let cases: [(JSONObject, (Model) -> Bool, String)] = [
            (["tag": "станки", "targetMarket": "DE"], { $0.tagged && $0.markets.contains("DE") }, "few in common"),
            (["targetMarket": "CN", "okvedPrefix": "21.20"], { $0.markets.contains("CN") && $0.okved }, "many"),
            (["q": "компания", "targetMarket": "CN"], { $0.markets.contains("CN") }, "a search and a facet"),
            // The tag is indexed text too: a search whose matches the update and the archive below change.
            (["q": "станк"], { $0.tagged }, "a search"),
        ]
        func check(_ moment: String) async throws {
            for (filter, keep, label) in cases {
                let expected = model.filter { !$0.archived && keep($0) }.map(\.id)
                for includeTotal in [true, false, true] {
                    let (seen, totals) = try await f.listAll(filter, limit: 70, includeTotal: includeTotal)
                    for total in totals where includeTotal {
                        #expect(total == .number(.int(Int64(expected.count))), "\(moment), \(label): total")
                    }
                    let listed = seen == expected
                    #expect(listed, "\(moment), \(label): \(seen.count) listed of \(expected.count)")
                }
                // Without a total the list intersects only sets kept at this very state: the lists above kept them.
                let kept = try await f.store.read { db -> Bool? in
                    guard db.dialect == .sqlite else { return nil }
                    var query = try CompanyListQuery(params: ["filter": .object(filter)])
                    query.stamp = try CompanySets.stamp(db)
                    if filter.count == 1, let q = filter["q"]?.stringValue {
                        // A search alone intersects nothing: its set is kept for the next list as it is.
                        let source = CompanyListQuery.searchSource(try #require(CompanyListQuery.ftsQuery(q)))
                        let key = CompanySets.source(source.sql, source.args)
                        return CompanySets.shared.set(try #require(query.stamp), key) != nil
                    }
                    try query.resolvePrefixes(db)
                    return query.intersection != nil
                }
                if let kept { #expect(kept, "\(moment), \(label): sets kept after a list") }
            }
        }
        // Right after a write the kept sets are of the state before it: each is patched from the change log,
        // and must equal the set read afresh.
        func patchedAfterWrite(_ moment: String) async throws {
            let answers = try await f.store.read { db -> [(RowSet?, RowSet?)]? in
                guard db.dialect == .sqlite else { return nil }
                var query = try CompanyListQuery(params: ["filter": ["tag": "станки", "targetMarket": "DE"]])
                query.dialect = db.dialect
                query.stamp = try CompanySets.stamp(db)
                let stamp = try #require(query.stamp)
                let sources =
                    [("tag", "станки"), ("targetMarket", "DE")].map { query.facetSource($0, .value($1)) }
                    + [CompanyListQuery.searchSource(try #require(CompanyListQuery.ftsQuery("станк")))]
                return try sources.map { source in
                    let fresh = RowSet(try db.integers(source.sql, source.args))
                    guard let (old, from) = CompanySets.shared.older(stamp, CompanySets.source(source.sql, source.args))
                    else { return (nil, fresh) }
                    return (try query.patch(db, old, from: from, source), fresh)
                }
            }
            for (patched, fresh) in answers ?? [] {
                #expect(
                    patched != nil && patched?.members == fresh?.members,
                    "\(moment): a patched set is the set read afresh")
            }
        }
        try await check("at first")
        let created = try await f.create([
            "name": "Компания новая", "tags": ["станки"], "targetMarkets": ["DE", "CN"], "okved": ["21.20"],
        ]).recordID
        model.append(Model(id: created, tagged: true, markets: ["DE", "CN"], okved: true))
        try await patchedAfterWrite("after a create")
        try await check("after a create")
        let untagged = try #require(model.firstIndex { $0.tagged && $0.markets.contains("DE") })
        let untaggedID = model[untagged].id
        _ = try await f.write("companies.update") {
            try CompanyRepository.update($0, id: untaggedID, patch: ["tags": ["приборы"]], expectedVersion: nil)
        }
        model[untagged].tagged = false
        try await patchedAfterWrite("after an update")
        try await check("after an update")
        let archived = try #require(model.lastIndex { $0.markets.contains("CN") && $0.okved && $0.tagged })
        let archivedID = model[archived].id
        _ = try await f.write("companies.archive") {
            try CompanyRepository.archive($0, id: archivedID, expectedVersion: nil)
        }
        model[archived].archived = true
        try await patchedAfterWrite("after an archive")
        try await check("after an archive")
        _ = try await f.write("companies.restore") {
            try CompanyRepository.restore($0, id: archivedID, expectedVersion: nil)
        }
        model[archived].archived = false
        try await patchedAfterWrite("after a restore")
        try await check("after a restore")
    }

    /// The budget bounds the memory kept: past it the least recently used sets go, and a set of an older
    /// state never replaces a newer one.
    @Test func theBudgetEvictsTheLeastRecentlyUsedAndKeepsTheNewest() throws {
        let sets = CompanySets(byteBudget: 4 * 136)
        let set = try #require(RowSet(Array(0..<1_000)))  // 8 + 125 bytes
        let now = CompanySets.Stamp(database: "d", generation: 2)
        for name in ["a", "b", "c", "d"] { sets.keep(set, now, name) }
        #expect(sets.set(now, "a") != nil)  // "a" is now the most recently used
        sets.keep(set, now, "e")
        #expect(sets.set(now, "b") == nil, "the least recently used went")
        #expect(sets.set(now, "a") != nil && sets.set(now, "e") != nil)
        sets.keep(try #require(RowSet([1])), CompanySets.Stamp(database: "d", generation: 1), "a")
        #expect(sets.set(now, "a") == set, "an older state does not replace a newer set")
        #expect(sets.set(CompanySets.Stamp(database: "d", generation: 3), "a") == nil, "nor serves a newer state")
        #expect(sets.set(CompanySets.Stamp(database: "other", generation: 2), "a") == nil, "nor another database")
    }
}
