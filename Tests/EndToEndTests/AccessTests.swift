import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import Support
import TestSupport
import Testing

/// Tokens, sessions and roles through the real binary (SPEC §8).
struct AccessTests {
    /// Issues the first admin token offline, as an operator would, then starts the server with --require-auth.
    func start() throws -> (ServerProcess, adminSecret: String) {
        let dir = TemporaryDirectory()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
        p.arguments = ["token", "create", "--role", "admin", "--label", "first admin", "--db", dir.database()]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let secret = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(secret.hasPrefix("edk_") && secret.count == 47, "only the secret is printed")
        return (try ServerProcess(arguments: ["--require-auth"], directory: dir), secret)
    }

    func reason(_ body: () throws -> Any) -> String? {
        do { _ = try body() } catch let e as RPCError { return e.reason } catch { return "\(error)" }
        return nil
    }

    @Test func unauthenticatedConnectionsReachOnlyThePublicMethods() throws {
        let (server, _) = try start()
        defer { server.stop() }
        let c = try server.connect()
        #expect(try c.call("system.ping")["pong"] == true)
        #expect(try c.call("rpc.discover")["openrpc"] == "1.3.2")
        #expect(reason { try c.call("session.whoami") } == "UNAUTHENTICATED")
        #expect(reason { try c.call("companies.list") } == "UNAUTHENTICATED")
        #expect(reason { try c.call("system.info") } == "UNAUTHENTICATED")
        #expect(
            reason { try c.call("companies.create", ["bogus": 1]) } == "UNAUTHENTICATED",
            "access is checked before params")
        #expect(reason { try c.call("session.authenticate", ["token": "edk_wrong"]) } == "UNAUTHENTICATED")
    }

    @Test func rolesSeeAndDoWhatSPECSays() throws {
        let (server, adminSecret) = try start()
        defer { server.stop() }
        let admin = try server.connect()
        #expect(try admin.call("session.authenticate", ["token": .string(adminSecret)])["role"] == "admin")
        func issue(_ params: JSONValue) throws -> (RPCConnection, String) {
            let r = try admin.call("tokens.create", params)
            let c = try server.connect()
            _ = try c.call("session.authenticate", ["token": r["secret"]!])
            return (c, r["token"]!["id"]!.stringValue!)
        }
        let (staff, staffID) = try issue(["role": "staff", "label": "curator"])
        let a = try staff.call("companies.create", ["name": "Альфа"])
        let b = try staff.call("companies.create", ["name": "Бета"])
        let (viewer, _) = try issue(["role": "viewer", "label": "auditor"])
        let (company, _) = try issue(["role": "company", "label": "Альфа's HR", "companyId": a["id"]!])
        let (institution, _) = try issue([
            "role": "institution", "label": "college", "institutionId": "in_01JD5X8Q3W4E5R6T7Y8V9K0P1A",
        ])

        #expect(try viewer.call("companies.list", ["includeTotal": true])["total"] == 2)
        #expect(reason { try viewer.call("companies.create", ["name": "X"]) } == "FORBIDDEN")
        #expect(reason { try staff.call("tokens.list") } == "FORBIDDEN")
        #expect(reason { try staff.call("system.backup", ["path": "/tmp/never.sqlite"]) } == "FORBIDDEN")
        #expect(reason { try institution.call("companies.list") } == "FORBIDDEN")

        // A company sees its own profile only; another company does not exist for it.
        #expect(try company.call("companies.get", ["id": a["id"]!])["name"] == "Альфа")
        #expect(reason { try company.call("companies.get", ["id": b["id"]!]) } == "NOT_FOUND")
        #expect(reason { try company.call("companies.history", ["id": b["id"]!]) } == "NOT_FOUND")
        let own = try company.call("companies.list", ["includeTotal": true])
        #expect(own["total"] == 1 && own["items"]?.arrayValue?.first?["id"] == a["id"])
        #expect(
            reason { try company.call("companies.update", ["id": a["id"]!, "patch": ["size": "small"]]) } == "FORBIDDEN"
        )
        #expect(
            reason {
                try company.call("rpc.atomic", ["calls": [["method": "companies.create", "params": ["name": "Y"]]]])
            } == "FORBIDDEN")

        // The actor of each change is recorded, and shown to staff and admin only.
        let history = try admin.call("companies.history", ["id": a["id"]!])
        #expect(history["items"]?.arrayValue?.first?["actor"] == .string(staffID))
        #expect(try company.call("companies.history", ["id": a["id"]!])["items"]?.arrayValue?.first?["actor"] == nil)
        #expect(
            try admin.call("tokens.list")["items"]?.arrayValue?.allSatisfy { $0["secret"] == nil && $0["hash"] == nil }
                == true)
    }

    @Test func revocationAndExpiryTakeEffectOnTheNextCall() throws {
        let (server, adminSecret) = try start()
        defer { server.stop() }
        let admin = try server.connect()
        _ = try admin.call("session.authenticate", ["token": .string(adminSecret)])
        let issued = try admin.call("tokens.create", ["role": "viewer", "label": "short-lived"])
        let viewer = try server.connect()
        _ = try viewer.call("session.authenticate", ["token": issued["secret"]!])
        #expect(try viewer.call("companies.list")["items"] != nil)
        _ = try admin.call("tokens.revoke", ["id": issued["token"]!["id"]!])
        #expect(reason { try viewer.call("companies.list") } == "UNAUTHENTICATED")
        #expect(reason { try viewer.call("session.authenticate", ["token": issued["secret"]!]) } == "UNAUTHENTICATED")

        let soon = WallClock.rfc3339(WallClock.nowMillis + 1200)
        let expiring = try admin.call(
            "tokens.create", ["role": "viewer", "label": "expires", "expiresAt": .string(soon)])
        let v2 = try server.connect()
        _ = try v2.call("session.authenticate", ["token": expiring["secret"]!])
        #expect(try v2.call("session.whoami")["role"] == "viewer")
        usleep(1_500_000)
        #expect(reason { try v2.call("session.whoami") } == "UNAUTHENTICATED")
        #expect(
            reason {
                try admin.call(
                    "tokens.create", ["role": "viewer", "label": "past", "expiresAt": "2000-01-01T00:00:00Z"])
            } == "INVALID_PARAMS")
    }

    @Test func theServersOwnUserIsAdminUnlessAuthIsRequired() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let who = try server.connect().call("session.whoami")
        #expect(who["role"] == "admin")
        #expect(who["actor"] == .string("local:uid:\(geteuid())"))
        let stdio = try ServerProcess(socket: false, stdio: true)
        defer { stdio.stop() }
        #expect(try stdio.stdioConnection().call("session.whoami")["actor"] == "local:stdio")
    }
}

extension AccessTests {
    /// Personal data (emails, phones) reaches no log line, at the most verbose level, whatever happens.
    @Test(arguments: ["text", "json"])
    func personalDataNeverAppearsInTheLog(format: String) throws {
        let server = try ServerProcess(arguments: ["--log-format", format])  // --log-level debug
        let c = try server.connect()
        let email = "irina.personal@example.ru"
        let phone = "+79161234599"
        let created = try c.call(
            "companies.create",
            ["name": "Тест", "contacts": [["name": "Ирина", "email": .string(email), "phone": .string(phone)]]])
        _ = try c.call(
            "companies.update",
            [
                "id": created["id"]!,
                "patch": ["contacts": [["name": "Ирина", "email": .string(email), "phone": .string(phone)]]],
            ])
        _ = try? c.call(
            "companies.create",
            [
                "name": "Bad",
                "contacts": [["name": "X", "email": .string("not-an-email \(email)"), "phone": .string(phone + "x")]],
            ])
        _ = try? c.call(
            "companies.create",
            ["name": "Dup", "contacts": [["name": "Y", "email": .string(email)]], "inn": "7707083894"])
        try c.sendRaw(
            Array(
                "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"companies.create\",\"params\":{\"email\":\"\(email)\"".utf8)
                + [0x0A])
        _ = try? c.readMessage()
        _ = try c.call("companies.list", ["filter": ["q": .string(email)]])
        // Students' personal data: birth date, e-mail, phone — through create, update, upsert, sync.push, failures.
        let birth = "2006-07-19"
        let studentEmail = "ilya.student@college.example.ru"
        let studentPhone = "+79031112233"
        let college = try c.call("institutions.create", ["name": "Колледж", "kind": "college"])["id"]!
        let student: JSONValue = [
            "institutionId": college, "fullName": "Илья", "specialty": "x", "course": 2,
            "birthDate": .string(birth), "email": .string(studentEmail), "phone": .string(studentPhone),
        ]
        let su = try c.call("students.create", student)["id"]!
        _ = try c.call(
            "students.update",
            [
                "id": su,
                "patch": ["email": .string(studentEmail), "phone": .string(studentPhone), "birthDate": .string(birth)],
            ])
        var upsert = student.objectValue!
        upsert["externalRef"] = ["system": "sis", "id": "1"]
        _ = try c.call("students.upsert", .object(upsert))
        upsert["email"] = .string("bad \(studentEmail)")
        _ = try? c.call("students.upsert", .object(upsert))
        _ = try c.call(
            "sync.push",
            ["items": [["entity": "student", "externalRef": ["system": "sis", "id": "2"], "data": .object(upsert)]]])
        _ = try c.call("students.list", ["filter": ["q": .string(studentEmail)]])
        #expect(server.stop() == 0)
        let log = server.stderr
        #expect(
            !log.contains(birth) && !log.contains("ilya.student") && !log.contains("9031112233"),
            "a student's personal data reached the log")
        #expect(log.contains("debug") || log.contains("info"), "the log was captured")
        #expect(!log.contains(email) && !log.contains("irina.personal"), "an email reached the log")
        #expect(!log.contains(phone) && !log.contains("9161234599"), "a phone reached the log")
    }
}

extension AccessTests {
    @Test func anInstitutionSeesOnlyItsOwnInstitutionAndAgreements() throws {
        let (server, adminSecret) = try start()
        defer { server.stop() }
        let admin = try server.connect()
        _ = try admin.call("session.authenticate", ["token": .string(adminSecret)])
        let a = try admin.call("institutions.create", ["name": "Колледж А", "kind": "college"])["id"]!
        let b = try admin.call("institutions.create", ["name": "Университет Б", "kind": "university"])["id"]!
        let agreementA = try admin.call(
            "agreements.create",
            ["institutionId": a, "number": "A-1", "validFrom": "2020-01-01", "validTo": "2999-12-31"])
        let agreementB = try admin.call(
            "agreements.create",
            ["institutionId": b, "number": "B-1", "validFrom": "2020-01-01", "validTo": "2999-12-31"])
        #expect(agreementA["status"] == "active")
        let issued = try admin.call("tokens.create", ["role": "institution", "label": "A's SIS", "institutionId": a])
        let college = try server.connect()
        _ = try college.call("session.authenticate", ["token": issued["secret"]!])
        #expect(try college.call("institutions.get", ["id": a])["name"] == "Колледж А")
        #expect(reason { try college.call("institutions.get", ["id": b]) } == "NOT_FOUND")
        #expect(try college.call("institutions.list", ["includeTotal": true])["total"] == 1)
        #expect(
            try college.call("agreements.list", ["includeTotal": true])["items"]?.arrayValue?.map { $0["id"] } == [
                agreementA["id"]
            ])
        #expect(reason { try college.call("agreements.get", ["id": agreementB["id"]!]) } == "NOT_FOUND")
        #expect(
            reason {
                try college.call(
                    "agreements.create",
                    ["institutionId": a, "number": "x", "validFrom": "2020-01-01", "validTo": "2021-01-01"])
            } == "FORBIDDEN")
        let feed = try college.call("changes.list", ["limit": 1000])["items"]?.arrayValue ?? []
        #expect(Set(feed.compactMap { $0["id"] }) == [a, agreementA["id"]!], "the feed shows only its own records")
    }
}
