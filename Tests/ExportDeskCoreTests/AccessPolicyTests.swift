import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Storage
import TestSupport
import Testing

/// SPEC §8 as one policy: the same answers for a get, a write and the change feed.
struct AccessPolicyTests {
    let college = Principal(role: .institution, tokenID: "tk_1", institutionID: "in_A", actor: "tk_1")
    let host = Principal(role: .company, tokenID: "tk_2", companyID: "co_A", actor: "tk_2")
    let viewer = Principal(role: .viewer, tokenID: "tk_3", actor: "tk_3")
    let staff = Principal(role: .staff, tokenID: "tk_4", actor: "tk_4")

    @Test("NOT_FOUND: a record outside the caller's scope does not exist for it")
    func recordsOutsideTheScopeAreNotFound() throws {
        #expect(throws: Never.self) {
            try AccessPolicy(college).require(institutionID: "in_A", entity: "student", id: "su_1")
        }
        let hidden = #expect(throws: DomainError.self) {
            try AccessPolicy(college).require(institutionID: "in_B", entity: "student", id: "su_1")
        }
        #expect(hidden?.reason == "NOT_FOUND")
        #expect(throws: DomainError.self) {
            try AccessPolicy(host).require(companyID: "co_B", entity: "offer", id: "of_1")
        }
        #expect(throws: Never.self) {
            try AccessPolicy(staff).require(companyID: "co_B", institutionID: "in_B", entity: "placement", id: "pl_1")
        }
    }

    @Test func partnersSeeNoActorsAndAHostSeesTheReducedStudent() {
        let change = Records.ChangeEntry(
            seq: 1, entity: "student", id: "su_1", op: .created, action: "students.create", version: 1,
            at: "2026-01-01T00:00:00Z", actor: "tk_4")
        #expect(AccessPolicy(viewer).present(change: change).actor == nil)
        #expect(AccessPolicy(viewer).present(change: change).json["actor"] == nil)
        #expect(AccessPolicy(staff).present(change: change).actor == "tk_4")
        let student: JSONObject = [
            "id": "su_1", "fullName": "Иван", "specialty": "x", "institutionId": "in_A", "email": "i@x.ru",
            "phone": "+7",
        ]
        #expect(
            AccessPolicy(host).present(student: student).map(\.0).sorted() == [
                "fullName", "id", "institutionId", "specialty",
            ])
        #expect(AccessPolicy(college).present(student: student) == student)
    }

    @Test func theFeedFollowsTheSameScopes() throws {
        let f = try CompanyFixture()
        try f.store.readNow { (db: any SQLDatabase) throws -> Void in
            let columns: [String: String] = ["institution_id": "in_A", "company_id": "co_A", "status": "closed"]
            let field: (String) throws -> String? = { columns[$0] }
            #expect(try AccessPolicy(college).sees(entity: "placement", id: "pl_1", db, field: field))
            #expect(
                try AccessPolicy(college).sees(entity: "offer", id: "of_1", db, field: field), "a closed offer it saw")
            #expect(try AccessPolicy(college).sees(entity: "request", id: "rq_1", db, field: field) == false)
            #expect(try AccessPolicy(host).sees(entity: "participation", id: "pa_1", db, field: field))
            #expect(try AccessPolicy(host).sees(entity: "company", id: "co_B", db, field: field) == false)
            #expect(try AccessPolicy(viewer).sees(entity: "token", id: "tk_1", db, field: field) == false)
            #expect(
                try AccessPolicy(nil).sees(entity: "event", id: "ev_1", db, field: field) == false,
                "no session, no feed")
        }
        #expect(AccessPolicy(college).mayRead(offerStatus: "closed", inFeed: false) == false)
    }
}
