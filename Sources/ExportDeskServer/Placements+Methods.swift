import Dispatch
import ExportDeskCore
import JSON
import JSONRPC
import SQLiteStore

/// offers.*, students.*, placements.* and sync.push: the internship programme's daily work and its partner
/// sync (SPEC §6, §7). Scoping for institution and company tokens is checked inside the write transaction
/// (through WriteContext.principal) and on every read.
struct PlacementMethods {
    let db: Persistence
    let catalog: SchemaCatalog

    static let everyone = AccessRule.roles([.admin, .staff, .viewer, .institution, .company])
    static let programmeAndInstitution = AccessRule.roles([.admin, .staff, .institution])
    static let programmeAndHost = AccessRule.roles([.admin, .staff, .company])
    static let bothSides = AccessRule.roles([.admin, .staff, .institution, .company])

    func register(in registry: inout MethodSet) {
        registerOffers(in: &registry)
        registerStudents(in: &registry)
        registerPlacements(in: &registry)
        registerSync(in: &registry)
    }

    private func registerOffers(in registry: inout MethodSet) {
        let db = self.db
        registry.registerWrite("offers.create", db: db, access: Self.programmeAndHost) { ctx, p in try OfferRepository.create(ctx, fields: p) }
        registry.registerUpdate("offers.update", db: db, access: Self.programmeAndHost, OfferRepository.update)
        for name in ["offers.open", "offers.close"] {
            let verb = name.verb
            registry.registerWrite(name, db: db, access: Self.programmeAndHost) { ctx, p in
                try OfferRepository.transition(ctx, verb: verb, id: p.recordID, expectedVersion: p.expectedVersion)
            }
        }
        registry.register(RPCMethod(name: "offers.get", handler: .sync { ctx, p in
            let id = p.recordID
            let record = try db.readNow { conn in .object(try OfferRepository.records.get(conn, id: id)) }
            try ctx.requireVisible(companyID: record["companyId"]?.stringValue, entity: "offer", id: id)
            if ctx.institutionScope != nil && record["status"] != "open" { throw RPCError.notFound(entity: "offer", id: id) }
            return record
        }), access: Self.everyone)
        registry.register(RPCMethod(name: "offers.list", handler: .async { ctx, p in
            let company = ctx.companyScope, onlyOpen = ctx.institutionScope != nil
            return try await db.read { conn in try OfferRepository.list(conn, params: p, onlyCompany: company, onlyOpen: onlyOpen) }
        }), access: Self.everyone)
    }

    private func registerStudents(in registry: inout MethodSet) {
        let db = self.db
        registry.registerWrite("students.create", db: db, access: Self.programmeAndInstitution) { ctx, p in .object(try StudentRepository.create(ctx, fields: p)) }
        registry.registerUpdate("students.update", db: db, access: Self.programmeAndInstitution, StudentRepository.update)
        registry.registerWrite("students.upsert", db: db, access: Self.programmeAndInstitution, effect: .idempotentWrite) { ctx, p in
            Self.upserted(try StudentRepository.upsert.run(ctx, fields: p, expectedVersion: p.expectedVersion))
        }
        registry.register(RPCMethod(name: "students.get", handler: .sync { ctx, p in
            let id = p.recordID
            return try db.readNow { conn in
                let record = try StudentRepository.records.get(conn, id: id)
                if let company = ctx.companyScope {
                    guard try StudentRepository.isPlaced(conn, studentID: id, atCompany: company) else { throw RPCError.notFound(entity: "student", id: id) }
                    return .object(StudentRepository.reducedForCompany(record))
                }
                try ctx.requireVisible(institutionID: record["institutionId"]?.stringValue, entity: "student", id: id)
                return .object(record)
            }
        }), access: Self.everyone)
        registry.register(RPCMethod(name: "students.list", handler: .async { ctx, p in
            let institution = ctx.institutionScope, company = ctx.companyScope
            return try await db.read { conn in try StudentRepository.list(conn, params: p, onlyInstitution: institution, onlyCompany: company) }
        }), access: Self.everyone)
    }

    private func registerPlacements(in registry: inout MethodSet) {
        let db = self.db
        registry.registerWrite("placements.propose", db: db, access: Self.programmeAndInstitution) { ctx, p in .object(try PlacementRepository.propose(ctx, fields: p)) }
        registry.registerUpdate("placements.update", db: db, access: Self.programmeAndInstitution, PlacementRepository.update)
        registry.registerWrite("placements.upsert", db: db, access: Self.programmeAndInstitution, effect: .idempotentWrite) { ctx, p in
            Self.upserted(try PlacementRepository.upsert(ctx, fields: p, expectedVersion: p.expectedVersion))
        }
        for (name, effect) in [("placements.confirm", MethodEffect.write), ("placements.start", .write), ("placements.complete", .write),
                               ("placements.terminate", .destructiveWrite)] {
            let verb = name.verb
            registry.registerWrite(name, db: db, access: Self.programmeAndHost, effect: effect) { ctx, p in
                .object(try PlacementRepository.transition(ctx, verb: verb, id: p.recordID, params: p))
            }
        }
        registry.registerWrite("placements.cancel", db: db, access: Self.bothSides, effect: .destructiveWrite) { ctx, p in
            .object(try PlacementRepository.transition(ctx, verb: "cancel", id: p.recordID, params: p))
        }
        registry.register(RPCMethod(name: "placements.get", handler: .sync { ctx, p in
            let id = p.recordID
            let record = try db.readNow { conn in .object(try PlacementRepository.records.get(conn, id: id)) }
            try ctx.requireVisible(companyID: record["companyId"]?.stringValue, institutionID: record["institutionId"]?.stringValue, entity: "placement", id: id)
            return record
        }), access: Self.everyone)
        registry.register(RPCMethod(name: "placements.list", handler: .async { ctx, p in
            let institution = ctx.institutionScope, company = ctx.companyScope
            return try await db.read { conn in try PlacementRepository.list(conn, params: p, onlyInstitution: institution, onlyCompany: company) }
        }), access: Self.everyone)
    }

    static func upserted(_ result: (UpsertOutcome, JSONObject)) -> JSONValue {
        ["outcome": .string(result.0.rawValue), "record": .object(result.1)]
    }

    /// sync.push: up to 1,000 upserts in one transaction. Each item's `data` is checked against its upsert's
    /// schema on its own. Without `atomic` every item stands alone (a failed item leaves nothing of itself
    /// and the rest apply); with it, the first failure is the call's error with `data.index`.
    private func registerSync(in registry: inout MethodSet) {
        let db = self.db, catalog = self.catalog
        registry.register(RPCMethod(name: "sync.push", handler: .async { ctx, params in
            let items = params["items"]?.arrayValue ?? []
            let atomic = params["atomic"]?.boolValue ?? false
            let progressToken = params["progressToken"]
            // Check every item's data before the transaction: schema problems need no database.
            var prepared: [(entity: String, fields: JSONObject, expectedVersion: Int64?)?] = []
            var early: [Int: JSONValue] = [:]
            for (i, item) in items.enumerated() {
                let entity = item["entity"]?.stringValue ?? ""
                var fields = item["data"]?.objectValue ?? JSONObject()
                fields["externalRef"] = item["externalRef"]
                let issues = catalog.checkParams(entity == "student" ? "students.upsert" : "placements.upsert", .object(fields))
                if !issues.isEmpty {
                    let error = RPCError.invalidParams(issues.map {
                        RPCError.ParamIssue(instancePath: "/items/\(i)/data" + $0.instancePath, keyword: $0.keyword, message: $0.message)
                    })
                    if atomic { throw error.adding(index: i) }
                    early[i] = Self.errorResult(i, error)
                    prepared.append(nil)
                    continue
                }
                prepared.append((entity, fields, item["expectedVersion"]?.int64Value))
            }
            let work = prepared, rejected = early
            // Progress leaves through its own queue, so a client slow to read (a blocking stdio pipe) can never
            // hold up the writer; the queue is drained before the answer goes out, keeping the order.
            let progress = DispatchQueue(label: "exportdesk.sync.progress")
            @Sendable func drained() async { await withCheckedContinuation { done in progress.async { done.resume() } } }
            @Sendable func report(_ done: Int) {
                guard progressToken != nil else { return }
                progress.async { ctx.progress(token: progressToken, done: done, total: work.count, message: "items applied") }
            }
            let outcome: Result<JSONValue, any Error>
            do {
                outcome = .success(try await db.write(ctx, params) { outer, _ in
                    try Self.apply(work, rejected: rejected, atomic: atomic, in: outer, report: report)
                })
            } catch {
                outcome = .failure(error)
            }
            await drained()
            return try outcome.get()
        }), access: Self.programmeAndInstitution, effect: .idempotentWrite)
    }

    /// The items of a sync.push inside the writer's transaction: a savepoint per item unless atomic.
    static func apply(_ work: [(entity: String, fields: JSONObject, expectedVersion: Int64?)?], rejected: [Int: JSONValue], atomic: Bool,
                      in outer: WriteContext, report: (Int) -> Void) throws -> JSONValue {
        var results: [JSONValue] = []
        results.reserveCapacity(work.count)
        for (i, step) in work.enumerated() {
            if i % 100 == 0 { report(i) }
            guard let step else { results.append(rejected[i] ?? .null); continue }
            let stepContext = outer.acting(as: step.entity == "student" ? "students.upsert" : "placements.upsert")
            do {
                if !atomic { try outer.db.run("SAVEPOINT sync_item") }
                let (outcome, record) = step.entity == "student"
                    ? try StudentRepository.upsert.run(stepContext, fields: step.fields, expectedVersion: step.expectedVersion)
                    : try PlacementRepository.upsert(stepContext, fields: step.fields, expectedVersion: step.expectedVersion)
                if !atomic { try outer.db.run("RELEASE sync_item") }
                results.append(["index": .number(.int(Int64(i))), "outcome": .string(outcome.rawValue),
                                "id": record["id"] ?? .null, "version": record["version"] ?? .null])
            } catch let error as RPCError {
                if atomic { throw error.adding(index: i) }
                try outer.db.run("ROLLBACK TO sync_item")
                try outer.db.run("RELEASE sync_item")
                results.append(errorResult(i, error))
            }
        }
        report(work.count)
        return ["results": .array(results)]
    }

    /// A failed item: its index and the error as it would be sent (RPCError.json carries data.reason).
    static func errorResult(_ index: Int, _ error: RPCError) -> JSONValue {
        ["index": .number(.int(Int64(index))), "error": error.json]
    }
}
