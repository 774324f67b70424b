import ExportDeskCore
import ExportDeskSchemas
import JSON
import SQLiteStore
import Storage
import TestSupport
import Testing

/// A placements list's total over its status alone, or over no filter, is read from `record_counts` (SPEC §4
/// `includeTotal`): the counts must follow every verb of the lifecycle in the write's own transaction, on both
/// engines, and the migration must count the placements a database already has.
extension PlacementTests {
    static let placementStatuses = ["proposed", "confirmed", "active", "completed", "cancelled", "terminated"]

    /// Every status's list total and stored count against a count of the rows themselves.
    func expectPlacementTotals(_ p: InternshipFixture, _ moment: String) async throws {
        let (totals, truth, stored) = try await p.f.store.read { db in
            var totals: [String: JSONValue] = [:]
            var truth: [String: Int64] = [:]
            for status in Self.placementStatuses + ["all", "offer+status"] {
                var filter: JSONObject = [:]
                if Self.placementStatuses.contains(status) { filter["status"] = .string(status) }
                if status == "offer+status" { filter = ["offerId": .string(p.offer), "status": "confirmed"] }
                let params = try TypedRecords.params(
                    Params.PlacementsList.self, ["filter": .object(filter), "includeTotal": true, "limit": 1])
                totals[status] = try PlacementRepository.list(db, params, onlyInstitution: nil, onlyCompany: nil)
                    .json["total"]
                truth[status] =
                    status == "all"
                    ? try db.scalar("SELECT count(*) FROM placements")
                    : try db.scalar(
                        "SELECT count(*) FROM placements WHERE status = ?",
                        [.text(status == "offer+status" ? "confirmed" : status)])
            }
            return (totals, truth, try storedCounts(db, entity: "placement").filter { $0.value != 0 })
        }
        for (status, count) in truth {
            #expect(totals[status] == .number(.int(count)), "\(moment): the total of \(status)")
        }
        let counted = truth.filter { Self.placementStatuses.contains($0.key) && $0.value > 0 }
        #expect(stored == counted, "\(moment): the counts kept per status")
    }

    @Test func placementStatusTotalsFollowEveryVerb() async throws {
        let p = try await InternshipFixture(slots: 4)
        try await expectPlacementTotals(p, "with no placement")
        var ids: [String] = []
        for i in 0..<6 { ids.append(try await p.propose(try await p.student("Студент \(i)"))["id"]!.stringValue!) }
        try await expectPlacementTotals(p, "after the proposals")
        for id in ids.prefix(4) { _ = try await p.verb("confirm", id) }
        _ = try await p.verb("cancel", ids[5], ["reason": "r"])
        try await expectPlacementTotals(p, "after confirmations and a cancellation")
        // A fifth confirmation exceeds the four slots: refused, and no count moves.
        _ = await rpcError { try await p.verb("confirm", ids[4]) }
        try await expectPlacementTotals(p, "after a refused confirmation")
        for id in ids.prefix(3) { _ = try await p.verb("start", id) }
        _ = try await p.verb("complete", ids[0], ["hours": 300, "grade": 5])
        _ = try await p.verb("terminate", ids[1], ["reason": "r"])
        try await expectPlacementTotals(p, "after the starts, a completion and a termination")
    }

    @Test func theMigrationCountsThePlacementsAlreadyStored() async throws {
        let stored = try await countsAfterMigrating(past: 20, entity: "placement") { db in
            for (i, status) in ["completed", "active", "completed", "cancelled", "completed"].enumerated() {
                try db.run(
                    "INSERT INTO placements(id, version, created_at, updated_at, data, status, student_id, offer_id, company_id, institution_id, starts_on, ends_on) VALUES (?, 1, '', '', '{}', ?, ?, 'of', 'co', 'in', '2027-02-01', '2027-05-31')",
                    [.text("pl\(i)"), .text(status), .text("st\(i)")])
            }
        }
        #expect(stored == ["completed": 3, "active": 1, "cancelled": 1])
    }
}
