import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Testing

struct StaffTests {
    func write(
        _ f: CompanyFixture, _ action: String, _ body: @escaping @Sendable (WriteContext) throws -> JSONValue
    ) async throws -> JSONValue {
        try await f.write(action, body)
    }

    @Test func createUpdateDeactivateWithVersionsAndHistory() async throws {
        let f = try CompanyFixture()
        let s = try await write(f, "staff.create") {
            try StaffRepository.create(
                $0, fields: ["name": "Анна Смирнова", "email": "Anna@Center.example.ru", "position": "Куратор"])
        }
        #expect(s["active"] == true && s["version"] == 1 && s["id"]?.stringValue?.hasPrefix("sf_") == true)
        let id = s["id"]!.stringValue!
        let u = try await write(f, "staff.update") {
            try StaffRepository.update($0, id: id, patch: ["position": .null], expectedVersion: 1)
        }
        #expect(u["position"] == nil && u["version"] == 2 && u["email"] == "Anna@Center.example.ru")
        let d = try await write(f, "staff.deactivate") {
            try StaffRepository.deactivate($0, id: id, expectedVersion: nil)
        }
        #expect(d["active"] == false && d["version"] == 3)
        let again = await rpcError {
            try await write(f, "staff.deactivate") { try StaffRepository.deactivate($0, id: id, expectedVersion: nil) }
        }
        #expect(again?.reason == "INVALID_TRANSITION" && again?.data["from"] == "inactive")
        let history = try await f.store.read { db in try ChangeLog.history(db, id: id) }
        #expect(history.map(\.action) == ["staff.create", "staff.update", "staff.deactivate"])
        let conflict = await rpcError {
            try await write(f, "staff.update") {
                try StaffRepository.update($0, id: id, patch: ["name": "X"], expectedVersion: 1)
            }
        }
        #expect(conflict?.reason == "VERSION_CONFLICT" && conflict?.data["currentVersion"] == 3)
    }

    @Test func emailIsUniqueWhateverItsCase() async throws {
        let f = try CompanyFixture()
        let first = try await write(f, "staff.create") {
            try StaffRepository.create($0, fields: ["name": "A", "email": "a@example.ru"])
        }
        let dup = await rpcError {
            try await write(f, "staff.create") {
                try StaffRepository.create($0, fields: ["name": "B", "email": "A@EXAMPLE.RU"])
            }
        }
        #expect(dup?.reason == "DUPLICATE" && dup?.data["field"] == "email" && dup?.data["existingId"] == first["id"])
    }

    @Test func listFiltersByActivityAndText() async throws {
        let f = try CompanyFixture()
        for (name, email) in [
            ("Борис Ким", "kim@example.ru"), ("Анна Смирнова", "smirnova@example.ru"),
            ("Олег Петров", "petrov@example.ru"),
        ] {
            _ = try await write(f, "staff.create") {
                try StaffRepository.create($0, fields: ["name": .string(name), "email": .string(email)])
            }
        }
        let all = try await f.store.read { db in
            try StaffRepository.list(db, try TypedRecords.params(Params.StaffList.self, [:]))
        }
        #expect(
            all["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == [
                "Анна Смирнова", "Борис Ким", "Олег Петров",
            ])
        let id = all["items"]!.arrayValue![1]["id"]!.stringValue!
        _ = try await write(f, "staff.deactivate") { try StaffRepository.deactivate($0, id: id, expectedVersion: nil) }
        let active = try await f.store.read { db in
            try StaffRepository.list(db, try TypedRecords.params(Params.StaffList.self, ["filter": ["active": true]]))
        }
        #expect(active["items"]?.arrayValue?.count == 2)
        let found = try await f.store.read { db in
            try StaffRepository.list(db, try TypedRecords.params(Params.StaffList.self, ["filter": ["q": "СМИРН"]]))
        }
        #expect(found["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Анна Смирнова"])
        var seen: [String] = []
        var cursor: JSONValue = .null
        repeat {
            var params: JSONObject = ["limit": 1, "includeTotal": true]
            if !cursor.isNull { params["cursor"] = cursor }
            let request = JSONValue.object(params)
            let page = try await f.store.read { db in
                try StaffRepository.list(db, try TypedRecords.params(Params.StaffList.self, request.objectValue ?? [:]))
            }
            #expect(page["total"] == 3)
            seen += (page["items"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            cursor = page["nextCursor"] ?? .null
        } while !cursor.isNull
        #expect(seen == ["Анна Смирнова", "Борис Ким", "Олег Петров"], "pages of one, in order, each once")
        let wrongKind = await rpcError {
            try await f.store.read { db in try StaffRepository.records.get(db, id: "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A") }
        }
        #expect(wrongKind?.reason == "NOT_FOUND" && wrongKind?.data["entity"] == "staff")
    }
}
