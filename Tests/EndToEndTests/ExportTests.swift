import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import TestSupport
import Testing

/// `exportdesk export`: streamed pages, spreadsheet CSV, and a round trip through `exportdesk import`.
struct ExportTests {
    func run(_ args: [String]) throws -> (status: Int32, out: Data, err: String) {
        let r = try Command.exportdesk(args)
        return (r.status, r.data, r.err)
    }

    /// A record without what the server makes, to compare across databases.
    static func content(_ r: JSONValue, dropping extra: Set<String> = []) -> JSONValue {
        guard case .object(var o) = r else { return r }
        for k in ["id", "version", "createdAt", "updatedAt"] + extra { o[k] = nil }
        return .object(o)
    }

    @Test(arguments: ["csv", "jsonl"])
    func companiesAndStudentsRoundTripThroughExportAndImport(format: String) throws {
        let source = try ServerProcess()
        defer { source.stop() }
        let a = try source.connect()
        var companies: [JSONValue] = []
        for i in 0..<620 {  // more than one page of 500
            var c: JSONObject = [
                "name": .string("ООО «Экспорт \(i)»"), "tags": ["приборы", "агро"], "targetMarkets": ["SA", "AE"],
            ]
            if i % 3 == 0 {
                c["notes"] = "две строки;\nи \"кавычки\""
                c["contacts"] = [
                    ["name": "Анна", "email": .string("anna\(i)@example.ru"), "phone": "+74951234567"],
                    ["name": "Олег", "position": "Директор"],
                ]
                c["annualExportVolume"] = ["amount": "1250000.00", "currency": "RUB"]
                if i == 0 { c["inn"] = "7707083893" }
            }
            companies.append(try a.call("companies.create", .object(c)))
        }
        let college = try a.call("institutions.create", ["name": "Колледж", "kind": "college"])
        var students: [JSONValue] = []
        for i in 0..<30 {
            students.append(
                try a.call(
                    "students.create",
                    [
                        "institutionId": college["id"]!, "fullName": .string("Студент \(i)"), "specialty": "15.02.10",
                        "course": 2, "birthDate": "2007-03-04", "email": .string("s\(i)@college.ru"),
                        "externalRef": ["system": "sis", "id": .string("S-\(i)")],
                    ]))
        }
        let dir = source.directory
        let ext = format
        let exported = try run([
            "export", "companies", "--format", format, "--out", dir.file("companies.\(ext)"), "--socket",
            source.socketPath!,
        ])
        #expect(exported.status == 0 && exported.err.contains("exported 620 companies"), "\(exported.err)")
        #expect(
            try run([
                "export", "students", "--format", format, "--out", dir.file("students.\(ext)"), "--socket",
                source.socketPath!,
            ]).status == 0)
        if format == "csv" {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("companies.csv")))
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "a BOM, so a spreadsheet reads UTF-8")
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(text.hasPrefix("address;exportStatus;inn;") && text.contains("\"две строки;\nи \"\"кавычки\"\"\""))
        }
        let target = try ServerProcess()
        defer { target.stop() }
        let b = try target.connect()
        let college2 = try b.call("institutions.create", ["name": "Колледж", "kind": "college"])
        let imported = try run(["import", "companies", dir.file("companies.\(ext)"), "--socket", target.socketPath!])
        #expect(imported.status == 0, "\(imported.err)")
        let studentsImported = try run([
            "import", "students", dir.file("students.\(ext)"), "--institution", college2["id"]!.stringValue!,
            "--socket", target.socketPath!,
        ])
        #expect(studentsImported.status == 0, "\(studentsImported.err)")
        func all(_ c: RPCConnection, _ method: String) throws -> [JSONValue] {
            var out: [JSONValue] = []
            var cursor: JSONValue = .null
            repeat {
                var p: JSONObject = ["limit": 500, "sort": "name"]
                if method == "students.list" { p["sort"] = nil }
                if !cursor.isNull { p["cursor"] = cursor }
                let page = try c.call(method, .object(p))
                out += page["items"]?.arrayValue ?? []
                cursor = page["nextCursor"] ?? .null
            } while !cursor.isNull
            return out
        }
        let before = Set(try all(a, "companies.list").map { Self.content($0).sortedKeys.serializedString() })
        let after = Set(try all(b, "companies.list").map { Self.content($0).sortedKeys.serializedString() })
        #expect(before.count == 620 && before == after, "the same companies: \(before.subtracting(after).prefix(2))")
        let studentsBefore = Set(
            students.map { Self.content($0, dropping: ["institutionId"]).sortedKeys.serializedString() })
        let studentsAfter = Set(
            try all(b, "students.list").map {
                Self.content($0, dropping: ["institutionId"]).sortedKeys.serializedString()
            })
        #expect(
            studentsBefore == studentsAfter, "the same students: \(studentsBefore.subtracting(studentsAfter).prefix(2))"
        )
    }

    /// A company token exports only what it may see, and a bad token is refused without printing it.
    @Test func exportsGoThroughTheCallersScope() throws {
        let dir = TemporaryDirectory()
        let admin = try run(["token", "create", "--role", "admin", "--label", "ops", "--db", dir.database()])
        let server = try ServerProcess(arguments: ["--require-auth"], directory: dir)
        defer { server.stop() }
        let secret = String(decoding: admin.out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let c = try server.connect()
        _ = try c.call("session.authenticate", ["token": .string(secret)])
        let host = try c.call("companies.create", ["name": "Хост"])
        _ = try c.call("companies.create", ["name": "Чужая"])
        let hostToken = try c.call("tokens.create", ["role": "company", "label": "hr", "companyId": host["id"]!])[
            "secret"]!.stringValue!
        let mine = try run([
            "export", "companies", "--format", "jsonl", "--socket", server.socketPath!, "--token", hostToken,
        ])
        let lines = String(decoding: mine.out, as: UTF8.self).split(separator: "\n")
        #expect(
            mine.status == 0 && lines.count == 1 && lines.first?.contains("Хост") == true,
            "a company token sees its own profile only")
        let refused = try run([
            "export", "companies", "--format", "csv", "--socket", server.socketPath!, "--token", "wrong-secret-123",
        ])
        #expect(
            refused.status == 1 && refused.err.contains("token was refused")
                && !refused.err.contains("wrong-secret-123"))
        let anonymous = try run(["call", "companies.list", "--socket", server.socketPath!])
        #expect(anonymous.status == 1, "--require-auth: without a token nothing is listed")
        let withToken = try run(["call", "companies.list", "--socket", server.socketPath!, "--token", secret])
        #expect(withToken.status == 0 && !String(decoding: withToken.out, as: UTF8.self).contains(secret))
    }
}

extension JSONValue {
    /// The same value with every object's members in key order, so that two records compare by content.
    var sortedKeys: JSONValue {
        switch self {
        case .object(let o):
            var out = JSONObject()
            for (k, v) in o.sorted(by: { $0.0 < $1.0 }) { out[k] = v.sortedKeys }
            return .object(out)
        case .array(let a): return .array(a.map(\.sortedKeys))
        default: return self
        }
    }
}
