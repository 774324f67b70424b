import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Testing

struct RequestTests {
    /// A company, two curators (one deactivated) and a request in state `new`.
    func setup(
        _ f: CompanyFixture
    ) async throws -> (company: String, curator: String, inactive: String, request: String) {
        let company = try await f.create(["name": "ООО «Медтех»"])["id"]!.stringValue!
        let curator = try await f.write("staff.create") {
            try StaffRepository.create($0, fields: ["name": "Анна", "email": "anna@c.example.ru"])
        }["id"]!.stringValue!
        let inactive = try await f.write("staff.create") {
            try StaffRepository.create($0, fields: ["name": "Олег", "email": "oleg@c.example.ru"])
        }["id"]!.stringValue!
        _ = try await f.write("staff.deactivate") {
            try StaffRepository.deactivate($0, id: inactive, expectedVersion: nil)
        }
        let request = try await f.write("requests.submit") {
            try RequestRepository.submit(
                $0,
                fields: [
                    "companyId": .string(company), "service": "market_research", "channel": "portal",
                    "subject": "Рынок приборов в Саудовской Аравии", "description": "Нужна регистрация изделий",
                ])
        }["id"]!.stringValue!
        return (company, curator, inactive, request)
    }

    /// Drives a request into `state` through the lifecycle's own verbs.
    func drive(_ f: CompanyFixture, _ id: String, to state: String, curator: String) async throws {
        let path: [String: [String]] = [
            "new": [], "assigned": ["assign"], "in_progress": ["assign", "start"],
            "resolved": ["assign", "start", "resolve"], "rejected": ["assign", "start", "reject"],
        ]
        for verb in path[state]! {
            _ = try await f.write("requests.\(verb)") { ctx in
                verb == "assign"
                    ? try RequestRepository.assign(ctx, id: id, curatorID: curator, expectedVersion: nil)
                    : try RequestRepository.transition(ctx, verb: verb, id: id, expectedVersion: nil)
            }
        }
    }

    @Test func everyVerbInEveryStateIsAllowedOrAnInvalidTransitionNamingTheAllowedVerbs() async throws {
        let expected: [String: [String: String]] = [
            "new": ["assign": "assigned"],
            "assigned": ["assign": "assigned", "start": "in_progress"],
            "in_progress": ["assign": "in_progress", "resolve": "resolved", "reject": "rejected"],
            "resolved": ["reopen": "in_progress"],
            "rejected": ["reopen": "in_progress"],
        ]
        for (state, allowed) in expected {
            for verb in ["assign", "start", "resolve", "reject", "reopen"] {
                let f = try CompanyFixture()
                let s = try await setup(f)
                try await drive(f, s.request, to: state, curator: s.curator)
                do {
                    let r = try await f.write("requests.\(verb)") { ctx in
                        verb == "assign"
                            ? try RequestRepository.assign(
                                ctx, id: s.request, curatorID: s.curator, expectedVersion: nil)
                            : try RequestRepository.transition(ctx, verb: verb, id: s.request, expectedVersion: nil)
                    }
                    #expect(r["status"] == allowed[verb].map { .string($0) }, "\(verb) in \(state)")
                } catch let e as DomainError {
                    #expect(allowed[verb] == nil, "\(verb) in \(state) should be allowed: \(e)")
                    #expect(
                        e.reason == "INVALID_TRANSITION" && e.data["from"] == .string(state)
                            && e.data["action"] == .string(verb))
                    #expect(e.data["allowed"] == .array(Lifecycle.request.allowed(from: state).map { .string($0) }))
                    #expect(Set(Lifecycle.request.allowed(from: state)) == Set(allowed.keys), "\(state)")
                }
            }
        }
    }

    @Test(
        "CURATOR_INACTIVE: a deactivated curator takes no requests; requests need their company and comments their author"
    )
    func rulesAroundCompaniesCuratorsAndComments() async throws {
        let f = try CompanyFixture()
        let s = try await setup(f)
        let noCompany = await rpcError {
            try await f.write("requests.submit") {
                try RequestRepository.submit(
                    $0,
                    fields: [
                        "companyId": "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A", "service": "legal", "channel": "email",
                        "subject": "x",
                    ])
            }
        }
        #expect(noCompany?.reason == "NOT_FOUND" && noCompany?.data["entity"] == "company")
        let inactive = await rpcError {
            try await f.write("requests.assign") {
                try RequestRepository.assign($0, id: s.request, curatorID: s.inactive, expectedVersion: nil)
            }
        }
        #expect(inactive?.reason == "RULE_VIOLATION" && inactive?.data["rule"] == "CURATOR_INACTIVE")
        let r = try await f.write("requests.comment") {
            try RequestRepository.comment($0, id: s.request, authorID: s.curator, text: "Позвонили", expectedVersion: 1)
        }
        #expect(r["comments"]?.arrayValue?.first?["text"] == "Позвонили" && r["version"] == 2 && r["status"] == "new")
        let noAuthor = await rpcError {
            try await f.write("requests.comment") {
                try RequestRepository.comment(
                    $0, id: s.request, authorID: "sf_01JD5X8Q3W4E5R6T7Y8V9K0P1A", text: "x", expectedVersion: nil)
            }
        }
        #expect(noAuthor?.reason == "NOT_FOUND" && noAuthor?.data["entity"] == "staff")
        let stale = await rpcError {
            try await f.write("requests.start") {
                try RequestRepository.transition($0, verb: "assign", id: s.request, expectedVersion: 1)
            }
        }
        #expect(stale?.reason == "VERSION_CONFLICT" || stale?.reason == "INVALID_TRANSITION")
        let history = try await f.store.read { db in try ChangeLog.history(db, id: s.request) }
        #expect(history.map(\.action) == ["requests.submit", "requests.comment"])
    }

    @Test func listFiltersAndWordPrefixSearch() async throws {
        let f = try CompanyFixture()
        let s = try await setup(f)
        try await drive(f, s.request, to: "in_progress", curator: s.curator)
        _ = try await f.write("requests.submit") {
            try RequestRepository.submit(
                $0,
                fields: [
                    "companyId": .string(s.company), "service": "logistics", "channel": "email",
                    "subject": "Доставка в Мексику",
                ])
        }
        func list(_ params: JSONValue, only: String? = nil) async throws -> [String] {
            try await f.store.read { db in
                try RequestRepository.list(
                    db, try TypedRecords.params(Params.RequestsList.self, params.objectValue ?? [:]), onlyCompany: only)
            }["items"]?.arrayValue?.compactMap { $0["subject"]?.stringValue } ?? []
        }
        #expect(try await list([:]) == ["Доставка в Мексику", "Рынок приборов в Саудовской Аравии"], "newest first")
        #expect(try await list(["filter": ["status": "in_progress"]]) == ["Рынок приборов в Саудовской Аравии"])
        #expect(try await list(["filter": ["curatorId": .string(s.curator)]]).count == 1)
        #expect(try await list(["filter": ["service": "logistics"]]) == ["Доставка в Мексику"])
        #expect(
            try await list(["filter": ["q": "САУДОВ приб"]]) == ["Рынок приборов в Саудовской Аравии"],
            "word prefixes, any case, all words")
        #expect(try await list(["filter": ["q": "регистр"]]).count == 1, "description too")
        #expect(try await list(["filter": ["q": "боров"]]).isEmpty, "not a substring search")
        #expect(try await list([:], only: "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A").isEmpty, "a company sees only its own")
        #expect(try await list(["sort": "createdAt", "limit": 1]).count == 1)
    }
}
