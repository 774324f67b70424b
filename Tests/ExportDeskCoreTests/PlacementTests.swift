import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import SQLiteStore
import Storage
import Testing

/// A programme to place students in: a college with an agreement for 2027, a host company with an open offer
/// (Feb–May 2027, `slots` places), and a way to write as a partner.
struct InternshipFixture {
    let f: CompanyFixture
    let college: String
    let company: String
    let offer: String

    init(slots: Int64 = 1) async throws {
        f = try CompanyFixture()
        let f = self.f
        college = try await f.write("institutions.create") {
            try InstitutionRepository.create($0, fields: ["name": "Колледж автоматизации № 7", "kind": "college"])
        }["id"]!.stringValue!
        let college = self.college
        _ = try await f.write("agreements.create") {
            try AgreementRepository.create(
                $0,
                fields: [
                    "institutionId": .string(college), "number": "7/2027", "validFrom": "2027-01-01",
                    "validTo": "2027-12-31",
                ])
        }
        company = try await f.create(["name": "ООО «Технополис-Экспорт»"])["id"]!.stringValue!
        let company = self.company
        let offer = try await f.write("offers.create") {
            try OfferRepository.create(
                $0,
                fields: [
                    "companyId": .string(company), "title": "Наладчик", "specialties": ["15.02.10"],
                    "startsOn": "2027-02-01", "endsOn": "2027-05-31", "slots": .number(.int(slots)),
                ])
        }["id"]!.stringValue!
        self.offer = offer
        _ = try await f.write("offers.open") {
            try OfferRepository.transition($0, verb: "open", id: offer, expectedVersion: nil)
        }
    }

    func write(
        _ action: String, as principal: Principal? = nil, _ body: @escaping @Sendable (WriteContext) throws -> JSONValue
    ) async throws -> JSONValue {
        try await f.store.write { db in
            try body(WriteContext(db: db, actor: "tester", action: action, principal: principal))
        }
    }

    func student(
        _ name: String = "Петров Илья", institution: String? = nil, specialty: String = "15.02.10"
    ) async throws -> String {
        let institution = institution ?? college
        return try await write("students.create") {
            .object(
                try StudentRepository.create(
                    $0,
                    fields: [
                        "institutionId": .string(institution), "fullName": .string(name),
                        "specialty": .string(specialty), "course": 3,
                    ]))
        }["id"]!.stringValue!
    }

    func propose(
        _ student: String, _ from: String? = nil, _ to: String? = nil, offer: String? = nil,
        as principal: Principal? = nil
    ) async throws -> JSONValue {
        var fields: JSONObject = ["studentId": .string(student), "offerId": .string(offer ?? self.offer)]
        if let from { fields["startsOn"] = .string(from) }
        if let to { fields["endsOn"] = .string(to) }
        let given = fields
        return try await write("placements.propose", as: principal) {
            .object(try PlacementRepository.propose($0, fields: given))
        }
    }

    func verb(
        _ v: String, _ id: String, _ params: JSONObject = [:], as principal: Principal? = nil
    ) async throws -> JSONValue {
        var fields = params
        fields["id"] = .string(id)
        let given = fields
        return try await write("placements.\(v)", as: principal) { ctx in
            switch v {
            case "confirm":
                return .object(
                    try PlacementRepository.confirm(ctx, TypedRecords.params(Params.PlacementsConfirm.self, given)))
            case "start":
                return .object(
                    try PlacementRepository.start(ctx, TypedRecords.params(Params.PlacementsStart.self, given)))
            case "complete":
                return .object(
                    try PlacementRepository.complete(ctx, TypedRecords.params(Params.PlacementsComplete.self, given)))
            case "cancel":
                return .object(
                    try PlacementRepository.cancel(ctx, TypedRecords.params(Params.PlacementsCancel.self, given)))
            default:
                return .object(
                    try PlacementRepository.terminate(ctx, TypedRecords.params(Params.PlacementsTerminate.self, given)))
            }
        }
    }

    /// A placement brought to `state` along the lifecycle.
    func placement(in state: String, student: String) async throws -> String {
        let id = try await propose(student)["id"]!.stringValue!
        let path: [String: [(String, JSONObject)]] = [
            "proposed": [], "confirmed": [("confirm", [:])], "active": [("confirm", [:]), ("start", [:])],
            "completed": [("confirm", [:]), ("start", [:]), ("complete", ["hours": 300, "grade": 5])],
            "cancelled": [("cancel", ["reason": "r"])],
            "terminated": [("confirm", [:]), ("start", [:]), ("terminate", ["reason": "r"])],
        ]
        for (v, p) in path[state]! { _ = try await verb(v, id, p) }
        return id
    }
}

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

    @Test func upsertsSayWhatTheyDid() async throws {
        let p = try await InternshipFixture(slots: 3)
        let college = p.college
        let fields: JSONObject = [
            "institutionId": .string(college), "fullName": "Сидорова Мария", "specialty": "15.02.10", "course": 2,
            "externalRef": ["system": "college-sis", "id": "S-1"],
        ]
        func upsert(_ f: JSONObject, _ version: Int64? = nil) async throws -> (String, JSONObject) {
            let r = try await p.write("students.upsert") { ctx in
                let (o, rec) = try StudentRepository.upsert.run(ctx, fields: f, expectedVersion: version)
                return ["outcome": .string(o.rawValue), "record": .object(rec)]
            }
            return (r["outcome"]!.stringValue!, r["record"]!.objectValue!)
        }
        let (created, record) = try await upsert(fields)
        #expect(created == "created" && record["version"] == 1)
        let (same, unchanged) = try await upsert(fields)
        #expect(same == "unchanged" && unchanged["version"] == 1)
        var changed = fields
        changed["course"] = 3
        let (updated, newer) = try await upsert(changed)
        #expect(updated == "updated" && newer["version"] == 2 && newer["course"] == 3 && newer["id"] == record["id"])
        let conflict = await rpcError { try await upsert(fields, 1) }
        #expect(conflict?.reason == "VERSION_CONFLICT" && conflict?.data["currentVersion"] == 2)
        let history = try await p.f.store.read { db in ChangeLogTestView.count(db, id: record["id"]!.stringValue!) }
        #expect(history == 2, "unchanged writes no change")
        var moved = fields
        moved["institutionId"] = "in_01JD5X8Q3W4E5R6T7Y8V9K0P1A"
        let immutable = await rpcError { try await upsert(moved) }
        #expect(
            immutable?.code == -32602
                && immutable?.data["errors"]?.arrayValue?.first?["instancePath"] == "/institutionId")
        // A placement upsert may name its student by externalRef.
        let offer = p.offer
        let placement: JSONObject = [
            "studentRef": ["system": "college-sis", "id": "S-1"], "offerId": .string(offer),
            "externalRef": ["system": "college-sis", "id": "P-1"],
        ]
        let first = try await p.write("placements.upsert") {
            .string(try PlacementRepository.upsert($0, fields: placement, expectedVersion: nil).0.rawValue)
        }
        let second = try await p.write("placements.upsert") {
            .string(try PlacementRepository.upsert($0, fields: placement, expectedVersion: nil).0.rawValue)
        }
        var shorterFields = placement
        shorterFields["endsOn"] = "2027-03-31"
        let shorter = shorterFields
        let third = try await p.write("placements.upsert") {
            .string(try PlacementRepository.upsert($0, fields: shorter, expectedVersion: nil).0.rawValue)
        }
        #expect([first, second, third] == ["created", "unchanged", "updated"])
        var unknownFields = placement
        unknownFields["studentRef"] = ["system": "college-sis", "id": "nobody"]
        unknownFields["externalRef"] = ["system": "college-sis", "id": "P-2"]
        let unknown = unknownFields
        let missing = await rpcError {
            try await p.write("placements.upsert") {
                .string(try PlacementRepository.upsert($0, fields: unknown, expectedVersion: nil).0.rawValue)
            }
        }
        #expect(missing?.reason == "NOT_FOUND" && missing?.data["entity"] == "student")
        var both = placement
        both["studentId"] = "su_01JD5X8Q3W4E5R6T7Y8V9K0P1A"
        let twice = both
        let ambiguous = await rpcError {
            try await p.write("placements.upsert") {
                .string(try PlacementRepository.upsert($0, fields: twice, expectedVersion: nil).0.rawValue)
            }
        }
        #expect(
            ambiguous?.code == -32602 && ambiguous?.data["errors"]?.arrayValue?.first?["instancePath"] == "/studentRef")
        var neither = placement
        neither["studentRef"] = nil
        let none = neither
        let unnamed = await rpcError {
            try await p.write("placements.upsert") {
                .string(try PlacementRepository.upsert($0, fields: none, expectedVersion: nil).0.rawValue)
            }
        }
        #expect(unnamed?.code == -32602 && unnamed?.data["errors"]?.arrayValue?.first?["instancePath"] == "/studentId")
    }

    @Test func partnersWriteOnlyTheirOwn() async throws {
        let p = try await InternshipFixture(slots: 3)
        let other = try await p.write("institutions.create") {
            try InstitutionRepository.create($0, fields: ["name": "Другой", "kind": "college"])
        }["id"]!.stringValue!
        let college = Principal(role: .institution, institutionID: p.college, actor: "tk_college")
        let otherCollege = Principal(role: .institution, institutionID: other, actor: "tk_other")
        let host = Principal(role: .company, companyID: p.company, actor: "tk_host")
        let otherHost = Principal(role: .company, companyID: "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A", actor: "tk_other_host")
        // A college registers its own students without naming itself, and not another's.
        let own = try await p.write("students.create", as: college) {
            .object(try StudentRepository.create($0, fields: ["fullName": "Свой", "specialty": "x", "course": 1]))
        }
        #expect(own["institutionId"] == .string(p.college))
        let foreignStudent = await rpcError {
            try await p.write("students.create", as: otherCollege) {
                .object(
                    try StudentRepository.create(
                        $0,
                        fields: [
                            "institutionId": .string(p.college), "fullName": "Чужой", "specialty": "x", "course": 1,
                        ]))
            }
        }
        #expect(foreignStudent?.reason == "NOT_FOUND")
        let unnamed = await rpcError {
            try await p.write("students.create") {
                .object(try StudentRepository.create($0, fields: ["fullName": "Ничей", "specialty": "x", "course": 1]))
            }
        }
        #expect(
            unnamed?.code == -32602 && unnamed?.data["errors"]?.arrayValue?.first?["instancePath"] == "/institutionId",
            "staff must name the institution")
        let s = own["id"]!.stringValue!
        #expect(await rpcError { try await p.propose(s, as: otherCollege) }?.reason == "NOT_FOUND")
        let placement = try await p.propose(s, as: college)["id"]!.stringValue!
        // Only the host confirms, and another host does not even see the placement.
        #expect(await rpcError { try await p.verb("confirm", placement, as: otherHost) }?.reason == "NOT_FOUND")
        #expect(await rpcError { try await p.verb("confirm", placement, as: host) } == nil)
        #expect(
            await rpcError { try await p.verb("cancel", placement, ["reason": "x"], as: otherCollege) }?.reason
                == "NOT_FOUND")
        #expect(await rpcError { try await p.verb("cancel", placement, ["reason": "x"], as: college) } == nil)
    }

    @Test func internshipReportCountsFromTheData() async throws {
        let p = try await InternshipFixture(slots: 5)
        let a = try await p.student("А", specialty: "15.02.10")
        let b = try await p.student("Б", specialty: "09.02.07")
        let c = try await p.student("В")
        _ = try await p.placement(in: "completed", student: a)
        _ = try await p.placement(in: "confirmed", student: b)
        _ = try await p.placement(in: "cancelled", student: c)
        _ = try await p.placement(in: "proposed", student: c)
        let scope = Reports.InternshipScope(today: "2027-06-01")
        let r = try await p.f.store.read { db in
            try Reports.internships(db, params: ["from": "2027-01-01", "to": "2027-12-31"], scope: scope)
        }
        let s = r["summary"]!
        #expect(s["placementsByStatus"] == ["completed": 1, "confirmed": 1, "cancelled": 1, "proposed": 1])
        #expect(s["studentsPlaced"] == 2 && s["hostCompanies"] == 1)
        #expect(s["placementsBySpecialty"] == ["15.02.10": 1, "09.02.07": 1])
        #expect(s["agreementsActive"] == 1 && s["agreementsByInstitutionKind"] == ["college": 1])
        #expect(r["completion"] == ["placements": 1, "hours": 300, "averageGrade": 5])
        #expect(
            r["byInstitution"]?.arrayValue?.first?["institutionId"] == .string(p.college)
                && r["byInstitution"]?.arrayValue?.first?["studentsPlaced"] == 2)
        #expect(r["byCompany"]?.arrayValue?.first?["companyId"] == .string(p.company))
        // Another period, and another partner's view, count nothing of this.
        let before = try await p.f.store.read { db in
            try Reports.internships(db, params: ["from": "2026-01-01", "to": "2026-12-31"], scope: scope)
        }
        #expect(before["summary"]?["placementsByStatus"] == [:] && before["summary"]?["agreementsActive"] == 0)
        let stranger = Reports.InternshipScope(companyID: "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A", today: "2027-06-01")
        let theirs = try await p.f.store.read { db in try Reports.internships(db, params: [:], scope: stranger) }
        #expect(theirs["summary"]?["placementsByStatus"] == [:] && theirs["byCompany"] == [])
        // The summary carries the same figures.
        let summary = try await p.f.store.read { db in
            try Reports.summary(db, params: ["from": "2027-01-01", "to": "2027-12-31"], today: "2027-06-01")
        }
        #expect(summary["internships"] == s)
    }
}

enum ChangeLogTestView {
    static func count(_ db: any SQLDatabase, id: String) -> Int { (try? ChangeLog.history(db, id: id).count) ?? -1 }
}
