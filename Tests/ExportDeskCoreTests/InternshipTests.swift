import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Testing

struct InternshipTests {
    @Test func agreementStatusComesFromTheDatesUnlessTerminated() async throws {
        let f = try CompanyFixture()
        let bad = await rpcError {
            try await f.write("institutions.create") {
                try InstitutionRepository.create($0, fields: ["name": "X", "kind": "college", "inn": "7707083894"])
            }
        }
        #expect(bad?.data["errors"]?.arrayValue?.first?["instancePath"] == "/inn")
        let college = try await f.write("institutions.create") {
            try InstitutionRepository.create($0, fields: ["name": "Колледж №1", "kind": "college", "city": "Москва"])
        }["id"]!.stringValue!
        func agreement(_ from: String, _ to: String) async throws -> String {
            try await f.write("agreements.create") {
                try AgreementRepository.create(
                    $0,
                    fields: [
                        "institutionId": .string(college), "number": "1", "validFrom": .string(from),
                        "validTo": .string(to),
                    ])
            }["id"]!.stringValue!
        }
        let past = try await agreement("2000-01-01", "2001-12-31")
        let current = try await agreement("2000-01-01", "2999-12-31")
        let future = try await agreement("2999-01-01", "2999-12-31")
        let endsLater = try await agreement("2000-01-01", "2999-12-31")
        let endedEarly = try await agreement("2000-01-01", "2999-12-31")
        _ = try await f.write("agreements.terminate") {
            try AgreementRepository.terminate(
                $0, id: endsLater, reason: "r", effectiveOn: "2999-06-01", expectedVersion: nil)
        }
        _ = try await f.write("agreements.terminate") {
            try AgreementRepository.terminate(
                $0, id: endedEarly, reason: "r", effectiveOn: "2001-01-01", expectedVersion: nil)
        }
        let today = "2026-11-22"
        let expected = [
            past: "expired", current: "active", future: "pending", endsLater: "active", endedEarly: "terminated",
        ]
        for (id, status) in expected {
            let record = try await f.store.read { db in try AgreementRepository.get(db, id: id, today: today) }
            #expect(record["status"] == .string(status), "\(id)")
        }
        // The list's status filter agrees with the status computed on read.
        for status in ["pending", "active", "expired", "terminated"] {
            let page = try await f.store.read { db in
                try AgreementRepository.list(
                    db, try TypedRecords.params(Params.AgreementsList.self, ["filter": ["status": .string(status)]]),
                    today: today, onlyInstitution: nil)
            }
            let ids = Set((page["items"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            #expect(ids == Set(expected.filter { $0.value == status }.keys), "\(status)")
            #expect((page["items"]?.arrayValue ?? []).allSatisfy { $0["status"] == .string(status) })
        }
        let again = await rpcError {
            try await f.write("agreements.terminate") {
                try AgreementRepository.terminate(
                    $0, id: endedEarly, reason: "r", effectiveOn: "2002-01-01", expectedVersion: nil)
            }
        }
        #expect(again?.reason == "INVALID_TRANSITION")
        let dates = await rpcError { try await agreement("2010-01-01", "2009-01-01") }
        #expect(dates?.data["errors"]?.arrayValue?.first?["instancePath"] == "/validTo")
        let noInstitution = await rpcError {
            try await f.write("agreements.create") {
                try AgreementRepository.create(
                    $0,
                    fields: [
                        "institutionId": "in_01JD5X8Q3W4E5R6T7Y8V9K0P1A", "number": "1", "validFrom": "2020-01-01",
                        "validTo": "2021-01-01",
                    ])
            }
        }
        #expect(noInstitution?.reason == "NOT_FOUND" && noInstitution?.data["entity"] == "institution")
    }

    @Test("INSTITUTION_ARCHIVED: an archived institution takes no new students; restored, it does again")
    func archivedInstitutionTakesNoNewStudents() async throws {
        let f = try CompanyFixture()
        let college = try await f.write("institutions.create") {
            try InstitutionRepository.create($0, fields: ["name": "Колледж №2", "kind": "college"])
        }["id"]!.stringValue!
        func student(_ name: String) async throws -> JSONValue {
            try await f.write("students.create") {
                .object(
                    try StudentRepository.create(
                        $0,
                        fields: [
                            "institutionId": .string(college), "fullName": .string(name), "specialty": "15.02.10",
                            "course": 2,
                        ]))
            }
        }
        _ = try await student("До архива")
        let archived = try await f.write("institutions.archive") {
            try InstitutionRepository.transition($0, verb: "archive", id: college, expectedVersion: nil)
        }
        #expect(archived["status"] == "archived" && archived["version"] == 2)
        let refused = await rpcError { try await student("После архива") }
        #expect(
            refused?.reason == "RULE_VIOLATION" && refused?.data["rule"] == "INSTITUTION_ARCHIVED"
                && refused?.data["institutionId"] == .string(college))
        let twice = await rpcError {
            try await f.write("institutions.archive") {
                try InstitutionRepository.transition($0, verb: "archive", id: college, expectedVersion: nil)
            }
        }
        #expect(twice?.reason == "INVALID_TRANSITION" && twice?.data["allowed"] == ["restore"])
        let restored = try await f.write("institutions.restore") {
            try InstitutionRepository.transition($0, verb: "restore", id: college, expectedVersion: 2)
        }
        #expect(restored["status"] == "active" && restored["version"] == 3)
        #expect(try await student("После восстановления")["institutionId"] == .string(college))
        let stale = await rpcError {
            try await f.write("institutions.archive") {
                try InstitutionRepository.transition($0, verb: "archive", id: college, expectedVersion: 1)
            }
        }
        #expect(stale?.reason == "VERSION_CONFLICT")
    }
}
