import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import SQLiteStore
import Storage
import Testing

extension PlacementTests {
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
