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
