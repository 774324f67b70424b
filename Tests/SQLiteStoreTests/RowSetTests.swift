import Storage
import TestSupport
import Testing

@testable import SQLiteStore

/// `rowset_contains(set, rowid)` answers membership of exactly the rowids `RowSetBitmap` encoded: a list that
/// binds a full-text search's matches relies on it to keep every match and no other company.
struct RowSetTests {
    @Test func everyEncodedRowidIsContainedAndNoOther() throws {
        let dir = TemporaryDirectory()
        let c = try Connection(path: dir.file("db.sqlite"))
        var random = SeededRandom(state: 7)
        let cases: [[Int64]] = [
            [], [1], [5, 5, 5], [-3, 0, 2], [64, 7, 130, 8], [Int64.max - 2, Int64.max],
            (0..<300).map { _ in Int64.random(in: 1_000...5_000, using: &random) },
        ]
        for rowids in cases {
            let set = try #require(RowSetBitmap.encode(rowids))
            let members = Set(rowids)
            let low = (rowids.min() ?? 0) - 9
            let high = (rowids.max() ?? 0)
            var probes = Set(rowids)
            // Every rowid from just below the set to just below its top (at most 6,000 of them).
            let (far, overflows) = low.addingReportingOverflow(6_000)
            for r in stride(from: low, through: overflows ? high - 1 : min(high - 1, far), by: 1) { probes.insert(r) }
            probes.formUnion([Int64.min, 0, -1, high &+ 1, high &+ 64])
            for rowid in probes {
                let found = try c.scalar("SELECT rowset_contains(?, ?)", [.blob(set), .integer(rowid)])
                #expect(found == (members.contains(rowid) ? 1 : 0), "rowid \(rowid) of \(rowids.prefix(8))")
            }
        }
        #expect(RowSetBitmap.encode([0, Int64.max]) == nil, "a span past maxSpan is refused, not allocated")
        #expect(try c.scalar("SELECT rowset_contains(NULL, 1)") == 0, "no set contains nothing")
        #expect(try c.scalar("SELECT rowset_contains(x'0100', 1)") == 0, "a blob shorter than its base is empty")
    }

    /// A list total of several dense filters is the size of their intersection: it must hold exactly the rowids
    /// in every set, each once, whatever order, repeats or range the later sets come in.
    @Test func anIntersectionHoldsExactlyTheRowidsOfEverySet() throws {
        var random = SeededRandom(state: 11)
        for _ in 0..<40 {
            let sets: [[Int64]] = (0..<Int.random(in: 2...4, using: &random)).map { _ in
                let low = Int64.random(in: -50...2_000, using: &random)
                return (0..<Int.random(in: 0...600, using: &random)).map { _ in
                    low + Int64.random(in: 0...3_000, using: &random)
                }
            }
            var set = try #require(RowSet(sets[0]))
            for other in sets.dropFirst() { set.formIntersection(other) }
            let expected = sets.dropFirst().reduce(Set(sets[0])) { $0.intersection($1) }
            #expect(set.count == expected.count)
            let c = try Connection(path: ":memory:")
            for rowid in Set(sets.joined()) {
                let found = try c.scalar("SELECT rowset_contains(?, ?)", [.blob(set.bytes), .integer(rowid)])
                #expect(found == (expected.contains(rowid) ? 1 : 0), "rowid \(rowid)")
            }
        }
        #expect(RowSet([]).map(\.count) == 0, "an empty set is empty")
        #expect(RowSet([0, Int64.max]) == nil, "a span past maxSpan is refused")
    }

    /// Kept sets are ANDed byte by byte: the result must be the same as intersecting by members, whatever the
    /// two sets' bases and widths, and `members` must list exactly the set, ascending.
    @Test func twoSetsIntersectAsTheirMembersDo() throws {
        var random = SeededRandom(state: 23)
        for _ in 0..<60 {
            let sets: [[Int64]] = (0..<2).map { _ in
                let low = Int64.random(in: -40...3_000, using: &random)
                return (0..<Int.random(in: 0...500, using: &random)).map { _ in
                    low + Int64.random(in: 0...Int64.random(in: 1...4_000, using: &random), using: &random)
                }
            }
            let first = try #require(RowSet(sets[0]))
            let second = try #require(RowSet(sets[1]))
            #expect(first.members == Set(sets[0]).sorted(), "members of \(sets[0].prefix(6))")
            var bySet = first
            bySet.formIntersection(second)
            let expected = Set(sets[0]).intersection(sets[1]).sorted()
            #expect(bySet.members == expected)
            #expect(bySet.count == expected.count)
            var byMembers = first
            byMembers.formIntersection(sets[1])
            #expect(byMembers.members == expected)
        }
        // Bases that do not line up (a set made elsewhere) fall back to members.
        var base9 = [UInt8](repeating: 0, count: 10)
        withUnsafeBytes(of: Int64(9)) { for i in 0..<8 { base9[i] = $0[i] } }
        base9[8] = 0b0000_0101  // 9 and 11
        var odd = RowSet(encoded: base9)
        odd.formIntersection(try #require(RowSet([8, 11, 12])))
        #expect(odd.members == [11])
    }

    /// A kept set is patched in place across company writes: the result must hold exactly the old members less
    /// the removed plus the inserted, including rowids past its end or below its base.
    @Test func anUpdatedSetHoldsTheOldMembersLessTheRemovedPlusTheInserted() throws {
        var random = SeededRandom(state: 31)
        for _ in 0..<60 {
            let old = (0..<Int.random(in: 0...400, using: &random)).map { _ in
                Int64.random(in: 500...3_000, using: &random)
            }
            let removed = (0..<Int.random(in: 0...30, using: &random)).map { _ in
                Int64.random(in: 400...3_100, using: &random)
            }
            let inserted = (0..<Int.random(in: 0...30, using: &random)).map { _ in
                Int64.random(in: 450...6_000, using: &random)
            }
            let set = try #require(RowSet(old))
            let updated = try #require(set.updated(removing: removed, inserting: inserted))
            let expected = Set(old).subtracting(removed).union(inserted).sorted()
            #expect(updated.members == expected)
            #expect(updated.count == expected.count)
        }
        #expect(try #require(RowSet([8])).updated(removing: [], inserting: [Int64.max]) == nil, "past maxSpan")
    }
}
