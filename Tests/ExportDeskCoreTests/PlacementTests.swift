import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import SQLiteStore
import Storage
import Testing

struct PlacementTests {
    @Test func verbsFollowTheLifecycleTable() async throws {
        let params: [String: JSONObject] = [
            "complete": ["hours": 320, "grade": 4, "feedback": "ok", "competencies": ["ЧПУ"]],
            "cancel": ["reason": "r"], "terminate": ["reason": "r"],
        ]
        for state in ["proposed", "confirmed", "active", "completed", "cancelled", "terminated"] {
            for v in ["confirm", "start", "complete", "cancel", "terminate"] {
                let p = try await InternshipFixture(slots: 5)
                let id = try await p.placement(in: state, student: try await p.student())
                let expected = PlacementRepository.lifecycle.transitions[v]?[state]
                let error = await rpcError { try await p.verb(v, id, params[v] ?? [:]) }
                if let expected {
                    #expect(error == nil, "\(v) in \(state): \(String(describing: error))")
                    let record = try await p.f.store.read { db in try PlacementRepository.records.get(db, id: id) }
                    #expect(record["status"] == .string(expected))
                    if v == "complete" {
                        #expect(record["completion"]?["grade"] == 4 && record["completion"]?["competencies"] == ["ЧПУ"])
                    }
                    if v == "cancel" || v == "terminate" {
                        #expect(record[v == "cancel" ? "cancellation" : "termination"]?["reason"] == "r")
                    }
                } else {
                    #expect(
                        error?.reason == "INVALID_TRANSITION" && error?.data["from"] == .string(state),
                        "\(v) in \(state)")
                    #expect(
                        error?.data["allowed"]
                            == .array(
                                PlacementRepository.lifecycle.allowed(from: state).filter { $0 != "update" }.map {
                                    .string($0)
                                })
                            || error?.data["allowed"]
                                == .array(PlacementRepository.lifecycle.allowed(from: state).map { .string($0) })
                    )
                }
            }
        }
    }

    @Test("PERIOD_OUTSIDE_OFFER: a placement's period defaults to the offer's and must lie inside it")
    func periodDefaultsToTheOfferAndMustLieInsideIt() async throws {
        let p = try await InternshipFixture()
        let s = try await p.student()
        let placed = try await p.propose(s)
        #expect(
            placed["startsOn"] == "2027-02-01" && placed["endsOn"] == "2027-05-31" && placed["status"] == "proposed")
        #expect(placed["companyId"] == .string(p.company) && placed["institutionId"] == .string(p.college))
        let outside = await rpcError { try await p.propose(try await p.student("Б"), "2027-01-15", "2027-03-01") }
        #expect(outside?.reason == "RULE_VIOLATION" && outside?.data["rule"] == "PERIOD_OUTSIDE_OFFER")
        #expect(outside?.data["offerStartsOn"] == "2027-02-01" && outside?.data["offerEndsOn"] == "2027-05-31")
        let reversed = await rpcError { try await p.propose(try await p.student("В"), "2027-04-01", "2027-03-01") }
        #expect(reversed?.code == -32602 && reversed?.data["errors"]?.arrayValue?.first?["instancePath"] == "/endsOn")
    }

    @Test("NO_ACTIVE_AGREEMENT: the institution needs an agreement in force over the whole period")
    func theInstitutionNeedsAnAgreementOverTheWholePeriod() async throws {
        let p = try await InternshipFixture(slots: 5)
        let other = try await p.write("institutions.create") {
            try InstitutionRepository.create($0, fields: ["name": "Университет", "kind": "university"])
        }["id"]!.stringValue!
        let stranger = try await p.student("Без договора", institution: other)
        let none = await rpcError { try await p.propose(stranger) }
        #expect(
            none?.reason == "RULE_VIOLATION" && none?.data["rule"] == "NO_ACTIVE_AGREEMENT"
                && none?.data["institutionId"] == .string(other))
        // An agreement that ends in the middle of the period does not cover it; one day of overlap is not enough.
        let ag = try await p.write("agreements.create") {
            try AgreementRepository.create(
                $0,
                fields: [
                    "institutionId": .string(other), "number": "1", "validFrom": "2027-03-01", "validTo": "2027-12-31",
                ])
        }["id"]!.stringValue!
        #expect(
            await rpcError { try await p.propose(stranger, "2027-02-28", "2027-03-10") }?.data["rule"]
                == "NO_ACTIVE_AGREEMENT")
        #expect(
            await rpcError { try await p.propose(stranger, "2027-03-01", "2027-03-10") } == nil,
            "starting on validFrom is covered")
        // Terminated from April 1st: a period running into April is no longer covered, one ending March 31st is.
        _ = try await p.write("agreements.terminate") {
            try AgreementRepository.terminate($0, id: ag, reason: "r", effectiveOn: "2027-04-01", expectedVersion: nil)
        }
        let s2 = try await p.student("Второй", institution: other)
        #expect(
            await rpcError { try await p.propose(s2, "2027-03-20", "2027-04-01") }?.data["rule"]
                == "NO_ACTIVE_AGREEMENT")
        #expect(await rpcError { try await p.propose(s2, "2027-03-20", "2027-03-31") } == nil)
        // Confirming checks the agreement again: a termination after the proposal stops it.
        let s3 = try await p.student("Третий")
        let proposed = try await p.propose(s3, "2027-05-01", "2027-05-31")["id"]!.stringValue!
        let agreements = try await p.f.store.read { db in
            try AgreementRepository.list(
                db,
                try TypedRecords.params(Params.AgreementsList.self, ["filter": ["institutionId": .string(p.college)]]),
                today: "2027-01-01", onlyInstitution: nil)
        }
        let main = agreements["items"]!.arrayValue!.first!["id"]!.stringValue!
        _ = try await p.write("agreements.terminate") {
            try AgreementRepository.terminate(
                $0, id: main, reason: "r", effectiveOn: "2027-05-15", expectedVersion: nil)
        }
        let late = await rpcError { try await p.verb("confirm", proposed) }
        #expect(late?.data["rule"] == "NO_ACTIVE_AGREEMENT", "the agreement no longer covers the period")
    }

    @Test("PERIOD_OVERLAP: two live placements of one student may not share a day")
    func aStudentsLivePlacementsNeverOverlap() async throws {
        let p = try await InternshipFixture(slots: 5)
        let s = try await p.student()
        let first = try await p.propose(s, "2027-02-01", "2027-03-01")["id"]!.stringValue!
        let sharedDay = await rpcError { try await p.propose(s, "2027-03-01", "2027-03-20") }
        #expect(sharedDay?.reason == "RULE_VIOLATION" && sharedDay?.data["rule"] == "PERIOD_OVERLAP")
        #expect(sharedDay?.data["placementId"] == .string(first) && sharedDay?.data["endsOn"] == "2027-03-01")
        #expect(await rpcError { try await p.propose(s, "2027-03-02", "2027-03-20") } == nil, "the next day is free")
        // A cancelled placement frees its period; a completed one is history, not live.
        _ = try await p.verb("cancel", first, ["reason": "перенос"])
        #expect(await rpcError { try await p.propose(s, "2027-02-10", "2027-02-20") } == nil)
        // Moving a placement onto another is checked too.
        let later = try await p.propose(s, "2027-04-01", "2027-04-10")["id"]!.stringValue!
        let moved = await rpcError {
            try await p.write("placements.update") {
                .object(
                    try PlacementRepository.update(
                        $0, id: later, patch: ["startsOn": "2027-03-15"], expectedVersion: nil))
            }
        }
        #expect(moved?.data["rule"] == "PERIOD_OVERLAP")
    }

    @Test("CAPACITY_EXCEEDED and CAPACITY_BELOW_TAKEN: confirmed and active placements never exceed the offer's slots")
    func confirmedAndActivePlacementsNeverExceedTheSlots() async throws {
        let p = try await InternshipFixture(slots: 2)
        var ids: [String] = []
        for name in ["А", "Б", "В"] { ids.append(try await p.propose(try await p.student(name))["id"]!.stringValue!) }
        _ = try await p.verb("confirm", ids[0])
        _ = try await p.verb("confirm", ids[1])
        _ = try await p.verb("start", ids[1])
        let full = await rpcError { try await p.verb("confirm", ids[2]) }
        #expect(
            full?.reason == "CAPACITY_EXCEEDED" && full?.code == 1005 && full?.data["capacity"] == 2
                && full?.data["taken"] == 2)
        let below = await rpcError {
            try await p.write("offers.update") {
                try OfferRepository.update($0, id: p.offer, patch: ["slots": 1], expectedVersion: nil)
            }
        }
        #expect(
            below?.reason == "RULE_VIOLATION" && below?.data["rule"] == "CAPACITY_BELOW_TAKEN"
                && below?.data["taken"] == 2)
        let shrink = await rpcError {
            try await p.write("offers.update") {
                try OfferRepository.update($0, id: p.offer, patch: ["endsOn": "2027-04-30"], expectedVersion: nil)
            }
        }
        #expect(shrink?.data["rule"] == "PERIOD_OUTSIDE_OFFER")
        _ = try await p.verb("cancel", ids[0], ["reason": "болезнь"])
        #expect(await rpcError { try await p.verb("confirm", ids[2]) } == nil, "a cancelled placement frees its slot")
    }

    @Test("OFFER_NOT_OPEN and COMPANY_ARCHIVED: a closed offer, or an archived host's, takes no proposals")
    func aClosedOfferTakesNoProposals() async throws {
        let p = try await InternshipFixture()
        let offer = p.offer
        _ = try await p.write("offers.close") {
            try OfferRepository.transition($0, verb: "close", id: offer, expectedVersion: nil)
        }
        let closed = await rpcError { try await p.propose(try await p.student()) }
        #expect(closed?.reason == "RULE_VIOLATION" && closed?.data["rule"] == "OFFER_NOT_OPEN")
        let again = await rpcError {
            try await p.write("offers.close") {
                try OfferRepository.transition($0, verb: "close", id: offer, expectedVersion: nil)
            }
        }
        #expect(again?.reason == "INVALID_TRANSITION" && again?.data["allowed"] == ["open"])
        let company = p.company
        _ = try await p.write("companies.archive") {
            try CompanyRepository.archive($0, id: company, expectedVersion: nil)
        }
        let archived = await rpcError {
            try await p.write("offers.create") {
                try OfferRepository.create(
                    $0,
                    fields: [
                        "companyId": .string(company), "title": "x", "startsOn": "2027-02-01", "endsOn": "2027-03-01",
                        "slots": 1,
                    ])
            }
        }
        #expect(archived?.data["rule"] == "COMPANY_ARCHIVED")
    }
}

enum ChangeLogTestView {
    static func count(_ db: any SQLDatabase, id: String) -> Int { (try? ChangeLog.history(db, id: id).count) ?? -1 }
}
