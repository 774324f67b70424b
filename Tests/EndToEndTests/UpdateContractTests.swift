import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import TestSupport
import Testing

/// Issue 12 items 8 and 11: every unique key answers DUPLICATE {field, existingId}, never INTERNAL; a merge
/// patch may change one member of a nested object, and the merged value is what gets validated.
struct UpdateContractTests {
    static func error(_ body: () throws -> JSONValue) -> RPCError? {
        do {
            _ = try body()
            return nil
        } catch let e as RPCError { return e } catch { return nil }
    }

    /// A programme with one of everything a unique key can collide on.
    struct Programme {
        let c: RPCConnection
        let companyA: JSONValue, companyB: JSONValue, institution: JSONValue, studentA: JSONValue, studentB: JSONValue
        let offerA: JSONValue, offerB: JSONValue
        init(_ c: RPCConnection) throws {
            self.c = c
            companyA = try c.call(
                "companies.create",
                [
                    "name": "Альфа", "inn": "7707083893", "externalRef": ["system": "crm", "id": "1"],
                    "annualExportVolume": ["amount": "1000000.00", "currency": "RUB"],
                ])
            companyB = try c.call("companies.create", ["name": "Бета", "externalRef": ["system": "crm", "id": "2"]])
            institution = try c.call(
                "institutions.create", ["name": "Колледж", "kind": "college", "inn": "7707083893"])
            studentA = try c.call(
                "students.create",
                [
                    "institutionId": institution["id"]!, "fullName": "Иван Петров", "specialty": "15.02.10",
                    "course": 2, "externalRef": ["system": "sis", "id": "1"],
                ])
            studentB = try c.call(
                "students.create",
                ["institutionId": institution["id"]!, "fullName": "Пётр Иванов", "specialty": "15.02.10", "course": 2])
            offerA = try c.call(
                "offers.create",
                [
                    "companyId": companyB["id"]!, "title": "Наладчик", "startsOn": "2027-02-01", "endsOn": "2027-05-01",
                    "slots": 3, "externalRef": ["system": "hr", "id": "1"],
                    "mentor": ["name": "Олег", "position": "Мастер", "email": "oleg@example.ru"],
                ])
            offerB = try c.call(
                "offers.create",
                [
                    "companyId": companyB["id"]!, "title": "Сварщик", "startsOn": "2027-02-01", "endsOn": "2027-05-01",
                    "slots": 3,
                ])
        }
    }

    @Test func everyUniqueKeyAnswersDuplicateWithTheExistingRecord() throws {
        // The binary: the test reads its log for a unique index that fired past the domain's checks.
        let server = try ServerProcess()
        defer { server.stop() }
        let c = try server.connect()
        let p = try Programme(c)
        let anna = try c.call("staff.create", ["name": "Анна", "email": "anna@example.ru"])
        let boris = try c.call("staff.create", ["name": "Борис", "email": "boris@example.ru"])
        let cases: [(String, String, JSONValue, String, JSONValue)] = [
            (
                "staff.update email, other case", "staff.update",
                ["id": boris["id"]!, "patch": ["email": "ANNA@example.ru"]], "email", anna["id"]!
            ),
            (
                "companies.update inn", "companies.update", ["id": p.companyB["id"]!, "patch": ["inn": "7707083893"]],
                "inn", p.companyA["id"]!
            ),
            (
                "companies.update externalRef", "companies.update",
                ["id": p.companyB["id"]!, "patch": ["externalRef": ["system": "crm", "id": "1"]]], "externalRef",
                p.companyA["id"]!
            ),
            (
                "students.update externalRef", "students.update",
                ["id": p.studentB["id"]!, "patch": ["externalRef": ["system": "sis", "id": "1"]]], "externalRef",
                p.studentA["id"]!
            ),
            (
                "offers.update externalRef", "offers.update",
                ["id": p.offerB["id"]!, "patch": ["externalRef": ["system": "hr", "id": "1"]]], "externalRef",
                p.offerA["id"]!
            ),
        ]
        for (label, method, params, field, existing) in cases {
            let e = Self.error { try c.call(method, params) }
            #expect(
                e?.reason == "DUPLICATE" && e?.data["field"] == .string(field) && e?.data["existingId"] == existing,
                "\(label): \(String(describing: e))")
        }
        // Restoring a company whose INN was taken meanwhile.
        _ = try c.call("companies.archive", ["id": p.companyA["id"]!])
        let taker = try c.call("companies.create", ["name": "Гамма", "inn": "7707083893"])
        let restore = Self.error { try c.call("companies.restore", ["id": p.companyA["id"]!]) }
        #expect(restore?.reason == "DUPLICATE" && restore?.data["existingId"] == taker["id"])
        // One participation per company and event.
        let event = try c.call(
            "events.create",
            [
                "kind": "exhibition", "title": "Арабхелс", "country": "AE", "startsOn": "2027-06-01",
                "endsOn": "2027-06-04", "applicationDeadline": "2027-05-01", "capacity": 5,
            ])
        _ = try c.call("events.open", ["id": event["id"]!])
        let first = try c.call("participations.apply", ["eventId": event["id"]!, "companyId": p.companyB["id"]!])
        let again = Self.error {
            try c.call("participations.apply", ["eventId": event["id"]!, "companyId": p.companyB["id"]!])
        }
        #expect(again?.reason == "DUPLICATE" && again?.data["existingId"] == first["id"])
        // A placement's externalRef.
        _ = try c.call(
            "agreements.create",
            [
                "institutionId": p.institution["id"]!, "number": "17/2027", "validFrom": "2027-01-01",
                "validTo": "2027-12-31",
            ])
        _ = try c.call("offers.open", ["id": p.offerA["id"]!])
        let placed = try c.call(
            "placements.propose",
            ["studentId": p.studentA["id"]!, "offerId": p.offerA["id"]!, "externalRef": ["system": "sis", "id": "p1"]])
        let other = try c.call("placements.propose", ["studentId": p.studentB["id"]!, "offerId": p.offerA["id"]!])
        let ref = Self.error {
            try c.call(
                "placements.update", ["id": other["id"]!, "patch": ["externalRef": ["system": "sis", "id": "p1"]]])
        }
        #expect(ref?.reason == "DUPLICATE" && ref?.data["existingId"] == placed["id"])
        #expect(!server.stderr.contains("UNIQUE constraint failed"), "a unique index fired past the domain's check")
    }

    @Test func aMergePatchMayChangeOneMemberOfANestedObject() throws {
        let server = try Harness.inProcess.start()
        defer { server.stop() }
        let c = try server.connect()
        let p = try Programme(c)
        let volume = try c.call(
            "companies.update", ["id": p.companyA["id"]!, "patch": ["annualExportVolume": ["amount": "2000000.00"]]])
        #expect(volume["annualExportVolume"] == ["amount": "2000000.00", "currency": "RUB"])
        let mentor = try c.call(
            "offers.update",
            ["id": p.offerA["id"]!, "patch": ["mentor": ["email": .null, "position": "Старший мастер"]]])
        #expect(mentor["mentor"] == ["name": "Олег", "position": "Старший мастер"])
        let ref = try c.call("students.update", ["id": p.studentA["id"]!, "patch": ["externalRef": ["id": "1-b"]]])
        #expect(ref["externalRef"] == ["system": "sis", "id": "1-b"])
        // The merged value must be valid, and the error names the member.
        let bad = Self.error {
            try c.call(
                "companies.update", ["id": p.companyA["id"]!, "patch": ["annualExportVolume": ["currency": "rubles"]]])
        }
        #expect(bad?.code == -32602)
        #expect(bad?.data["errors"]?.arrayValue?.first?["instancePath"] == "/patch/annualExportVolume/currency")
        // A partial object on a field that has none yet must be whole after the merge.
        let partial = Self.error {
            try c.call(
                "companies.update", ["id": p.companyB["id"]!, "patch": ["annualExportVolume": ["amount": "5.00"]]])
        }
        #expect(
            partial?.data["errors"]?.arrayValue?.first?["instancePath"]?.stringValue?.hasPrefix(
                "/patch/annualExportVolume") == true)
        #expect(
            try c.call("companies.get", ["id": p.companyB["id"]!])["annualExportVolume"] == nil, "nothing half-written")
        // The checks of the patched record run on the patched record (they once ran on the old one).
        let inn = Self.error {
            try c.call("institutions.update", ["id": p.institution["id"]!, "patch": ["inn": "7707083894"]])
        }
        #expect(inn?.code == -32602 && inn?.data["errors"]?.arrayValue?.first?["instancePath"] == "/patch/inn")
        // Only mutable fields may be patched.
        let immutable = Self.error {
            try c.call("students.update", ["id": p.studentA["id"]!, "patch": ["institutionId": p.institution["id"]!]])
        }
        #expect(immutable?.code == -32602)
    }
}
