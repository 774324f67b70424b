import ExportDeskCore
import Foundation
import JSON
import JSONRPC
import SQLiteStore
import Storage
import Support
import TestSupport
import Testing

struct CompanyTests {
    @Test func createSetsVersionTimestampsKindAndLogsTheChange() async throws {
        let f = try CompanyFixture()
        let c = try await f.create(["name": "ООО «Технополис»", "inn": "7707083893"])
        #expect(c["version"] == 1)
        #expect(c["kind"] == "legal_entity", "kind is derived from a 10-digit INN")
        #expect(c["status"] == "active")
        #expect(c["id"]?.stringValue?.hasPrefix("co_") == true)
        #expect(c["createdAt"] == c["updatedAt"])
        let history = try await f.store.read { db in try ChangeLog.history(db, id: c["id"]!.stringValue!) }
        #expect(history.count == 1)
        #expect(
            history[0].op == .created && history[0].action == "companies.create"
                && history[0].actor == "tester")
    }

    @Test func checksumsAndKindAgreementAreInvalidParamsNamingTheField() async throws {
        let f = try CompanyFixture()
        let bad = await rpcError { try await f.create(["name": "A", "inn": "7707083894", "ogrn": "1027700132196"]) }
        #expect(bad?.code == -32602)
        let paths = Set((bad?.data["errors"]?.arrayValue ?? []).compactMap { $0["instancePath"]?.stringValue })
        #expect(paths == ["/inn", "/ogrn"])
        let mismatch = await rpcError {
            try await f.create(["name": "A", "inn": "7707083893", "kind": "sole_proprietor"])
        }
        #expect(mismatch?.data["errors"]?.arrayValue?.first?["instancePath"] == "/kind")
        let count = try await f.store.read { db in try db.scalar("SELECT count(*) FROM companies") }
        #expect(count == 0, "nothing half-written")
    }

    @Test func innIsUniqueAmongActiveCompanies() async throws {
        let f = try CompanyFixture()
        let first = try await f.create(["name": "A", "inn": "7707083893"])
        let dup = await rpcError { try await f.create(["name": "B", "inn": "7707083893"]) }
        #expect(dup?.reason == "DUPLICATE")
        #expect(dup?.data["field"] == "inn")
        #expect(dup?.data["existingId"] == first["id"])
        let id = first["id"]!.stringValue!
        _ = try await f.write("companies.archive") { try CompanyRepository.archive($0, id: id, expectedVersion: nil) }
        let second = try await f.create(["name": "B", "inn": "7707083893"])
        #expect(second["status"] == "active", "an archived company does not hold its INN")
        let restore = await rpcError {
            try await f.write("companies.restore") { try CompanyRepository.restore($0, id: id, expectedVersion: nil) }
        }
        #expect(restore?.reason == "DUPLICATE" && restore?.data["existingId"] == second["id"])
    }

    @Test func updateIsAMergePatchWithExpectedVersion() async throws {
        let f = try CompanyFixture()
        let c = try await f.create(["name": "A", "notes": "old", "tags": ["x"]])
        let id = c["id"]!.stringValue!
        let u = try await f.write("companies.update") {
            try CompanyRepository.update(
                $0, id: id, patch: ["notes": .null, "tags": ["y", "z"], "size": "small"], expectedVersion: 1)
        }
        #expect(u["version"] == 2)
        #expect(u["notes"] == nil, "null clears")
        #expect(u["tags"] == ["y", "z"])
        #expect(u["name"] == "A", "fields left out stay")
        let conflict = await rpcError {
            try await f.write("companies.update") {
                try CompanyRepository.update($0, id: id, patch: ["size": "large"], expectedVersion: 1)
            }
        }
        #expect(conflict?.reason == "VERSION_CONFLICT")
        #expect(conflict?.data["currentVersion"] == 2)
        let history = try await f.store.read { db in try ChangeLog.history(db, id: id) }
        #expect(history.map(\.version) == [1, 2])
        #expect(history.map(\.action) == ["companies.create", "companies.update"])
    }

    @Test func archiveAndRestoreAreVerbsWithTransitions() async throws {
        let f = try CompanyFixture()
        let id = try await f.create(["name": "A"])["id"]!.stringValue!
        let archived = try await f.write("companies.archive") {
            try CompanyRepository.archive($0, id: id, expectedVersion: nil)
        }
        #expect(archived["status"] == "archived" && archived["version"] == 2)
        let again = await rpcError {
            try await f.write("companies.archive") { try CompanyRepository.archive($0, id: id, expectedVersion: nil) }
        }
        #expect(again?.reason == "INVALID_TRANSITION")
        #expect(again?.data["from"] == "archived" && again?.data["allowed"] == ["restore"])
        let history = try await f.store.read { db in try ChangeLog.history(db, id: id) }
        #expect(history.last?.op == .deleted, "archival is a tombstone in the change log")
        let restored = try await f.write("companies.restore") {
            try CompanyRepository.restore($0, id: id, expectedVersion: 2)
        }
        #expect(restored["status"] == "active" && restored["version"] == 3)
    }

    @Test func idsOfTheWrongKindOrUnknownAreNotFound() async throws {
        let f = try CompanyFixture()
        for id in ["sf_01JD5X8Q3W4E5R6T7Y8V9K0P1A", "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A"] {
            let e = await rpcError { try await f.store.read { db in try CompanyRepository.get(db, id: id) } }
            #expect(e?.reason == "NOT_FOUND" && e?.data["entity"] == "company" && e?.data["id"] == .string(id))
        }
    }

    @Test func idsAreTimeOrdered() {
        let ids = (0..<1000).map { _ in RecordID.make("co") }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.utf8.count == 29 })
    }
}
