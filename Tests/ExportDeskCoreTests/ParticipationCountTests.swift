import ExportDeskCore
import ExportDeskSchemas
import JSON
import SQLiteStore
import Storage
import TestSupport
import Testing

/// A participations list's total over its status alone, or over no filter, is read from `record_counts`
/// (SPEC §4 `includeTotal`): the counts must follow every transition, in the write's own transaction, on both
/// engines, and the migration must count the participations a database already has.
extension EventTests {
    static let participationStatuses = [
        "applied", "approved", "waitlisted", "rejected", "withdrawn", "attended", "no_show", "cancelled",
    ]

    /// Every status's list total and stored count against a count of the rows themselves.
    func expectStatusTotals(_ f: CompanyFixture, _ eventID: String, _ moment: String) async throws {
        let (totals, truth, stored) = try await f.store.read { db in
            var totals: [String: JSONValue] = [:]
            var truth: [String: Int64] = [:]
            for status in Self.participationStatuses + ["all", "event+status"] {
                var filter: JSONObject = [:]
                if Self.participationStatuses.contains(status) { filter["status"] = .string(status) }
                if status == "event+status" { filter = ["eventId": .string(eventID), "status": "approved"] }
                let params = try TypedRecords.params(
                    Params.ParticipationsList.self, ["filter": .object(filter), "includeTotal": true, "limit": 1])
                totals[status] = try ParticipationRepository.list(db, params, onlyCompany: nil).json["total"]
                truth[status] =
                    status == "all"
                    ? try db.scalar("SELECT count(*) FROM participations")
                    : try db.scalar(
                        "SELECT count(*) FROM participations WHERE status = ?",
                        [.text(status == "event+status" ? "approved" : status)])
            }
            return (totals, truth, try storedCounts(db, entity: "participation").filter { $0.value != 0 })
        }
        for (status, count) in truth {
            #expect(totals[status] == .number(.int(count)), "\(moment): the total of \(status)")
        }
        let counted = truth.filter { Self.participationStatuses.contains($0.key) && $0.value > 0 }
        #expect(stored == counted, "\(moment): the counts kept per status")
    }

    @Test func statusTotalsFollowEveryTransition() async throws {
        let f = try CompanyFixture()
        let ev = try await event(f, capacity: 3)
        try await expectStatusTotals(f, ev, "with no participation")
        var ids: [String] = []
        for i in 0..<8 { ids.append(try await apply(f, ev, "Компания \(i)")) }
        try await expectStatusTotals(f, ev, "after the applications")
        for i in 0..<3 { _ = try await verb(f, "approve", ids[i]) }
        _ = try await verb(f, "waitlist", ids[3])
        _ = try await verb(f, "reject", ids[4])
        _ = try await verb(f, "withdraw", ids[5])
        try await expectStatusTotals(f, ev, "after the decisions")
        // An approved company withdraws: the waitlisted one is promoted in the same write.
        _ = try await verb(f, "withdraw", ids[2])
        #expect(try await status(f, ids[3]) == "approved")
        try await expectStatusTotals(f, ev, "after a promotion")
        _ = try await f.write("events.close") {
            try EventRepository.transition($0, verb: "close", id: ev, expectedVersion: nil)
        }
        _ = try await verb(f, "markAttendance", ids[0])
        _ = try await verb(f, "markAttendance", ids[1]) { $0["attended"] = false }
        try await expectStatusTotals(f, ev, "after attendance")
        // A write that fails leaves no count moved: attendance twice is refused.
        _ = await rpcError { try await self.verb(f, "markAttendance", ids[0]) }
        try await expectStatusTotals(f, ev, "after a refused verb")
        let other = try await event(f, capacity: 5)
        let cancelled = try await apply(f, other, "Отменённая")
        _ = try await f.write("events.cancel") {
            try EventRepository.transition($0, verb: "cancel", id: other, expectedVersion: nil)
        }
        #expect(try await status(f, cancelled) == "cancelled")
        try await expectStatusTotals(f, ev, "after an event's cancellation")
    }

    @Test func theMigrationCountsTheParticipationsAlreadyStored() async throws {
        let stored = try await countsAfterMigrating(past: 18, entity: "participation") { db in
            for (i, status) in ["attended", "attended", "applied", "no_show", "attended"].enumerated() {
                try db.run(
                    "INSERT INTO participations(id, version, created_at, updated_at, data, status, event_id, company_id) VALUES (?, 1, '', '', '{}', ?, 'ev', ?)",
                    [.text("pa\(i)"), .text(status), .text("co\(i)")])
            }
        }
        #expect(stored == ["attended": 3, "applied": 1, "no_show": 1])
    }
}
