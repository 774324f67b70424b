import Dispatch
import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Storage

/// sync.push: a partner's batch of upserts, per item or atomic, with progress (SPEC §7).
extension PlacementMethods {
    func registerSync(in registry: inout MethodSet) {
        let db = self.db
        let catalog = self.catalog
        registry.register(
            "sync.push", Params.SyncPush.self, access: Self.programmeAndInstitution, effect: .idempotentWrite
        ) { ctx, push in
            let atomic = push.atomic ?? false
            let progressToken = push.progressToken?.json
            // Check every item's data before the transaction: schema problems need no database.
            var prepared: [(entity: String, fields: JSONObject, expectedVersion: Int64?)?] = []
            var early: [Int: Results.SyncPush.Result] = [:]
            for (i, item) in push.items.enumerated() {
                let entity = item.entity.rawValue
                // The upsert's params are the item's data with its externalRef.
                let fields = JSONObject(
                    Array(item.data) + [("externalRef", item.externalRef.json)])
                let issues = catalog.checkParams(
                    item.entity == .student ? "students.upsert" : "placements.upsert", .object(fields))
                if !issues.isEmpty {
                    let error = RPCError.invalidParams(
                        issues.map {
                            RPCError.ParamIssue(
                                instancePath: "/items/\(i)/data" + $0.instancePath, keyword: $0.keyword,
                                message: $0.message)
                        })
                    if atomic { throw error.adding(index: i) }
                    early[i] = try Self.errorResult(i, error)
                    prepared.append(nil)
                    continue
                }
                prepared.append((entity, fields, item.expectedVersion))
            }
            let work = prepared
            let rejected = early
            // Progress leaves through its own queue, so a client slow to read (a blocking stdio pipe) can never
            // hold up the writer; the queue is drained before the answer goes out, keeping the order.
            let progress = DispatchQueue(label: "exportdesk.sync.progress")
            @Sendable func drained() async {
                await withCheckedContinuation { done in progress.async { done.resume() } }
            }
            @Sendable func report(_ done: Int) {
                guard progressToken != nil else { return }
                progress.async {
                    ctx.progress(token: progressToken, done: done, total: work.count, message: "items applied")
                }
            }
            let outcome: Result<Results.SyncPush, any Error>
            do {
                outcome = .success(
                    try await db.write(ctx, push.json) { outer in
                        try Self.apply(work, rejected: rejected, atomic: atomic, in: outer, report: report)
                    })
            } catch {
                outcome = .failure(error)
            }
            await drained()
            return try outcome.get()
        }
    }

    /// The items of a sync.push inside the writer's transaction: a savepoint per item unless atomic.
    static func apply(
        _ work: [(entity: String, fields: JSONObject, expectedVersion: Int64?)?],
        rejected: [Int: Results.SyncPush.Result], atomic: Bool, in outer: WriteContext, report: (Int) -> Void
    ) throws -> Results.SyncPush {
        var results: [Results.SyncPush.Result] = []
        results.reserveCapacity(work.count)
        for (i, step) in work.enumerated() {
            if i % 100 == 0 { report(i) }
            guard let step else {
                if let rejected = rejected[i] { results.append(rejected) }
                continue
            }
            let stepContext = outer.acting(as: step.entity == "student" ? "students.upsert" : "placements.upsert")
            do {
                if !atomic { try outer.db.run("SAVEPOINT sync_item") }
                let (outcome, record) =
                    step.entity == "student"
                    ? try StudentRepository.upsert.run(
                        stepContext, fields: step.fields, expectedVersion: step.expectedVersion)
                    : try PlacementRepository.upsert(
                        stepContext, fields: step.fields, expectedVersion: step.expectedVersion)
                if !atomic { try outer.db.run("RELEASE sync_item") }
                results.append(
                    Results.SyncPush.Result(
                        index: Int64(i), outcome: Results.SyncPush.Result.Outcome(rawValue: outcome.rawValue),
                        id: record.recordID, version: record.recordVersion))
            } catch {
                guard let error = RPCError(sendable: error) else { throw error }
                if atomic { throw error.adding(index: i) }
                try outer.db.run("ROLLBACK TO sync_item")
                try outer.db.run("RELEASE sync_item")
                results.append(try errorResult(i, error))
            }
        }
        report(work.count)
        return Results.SyncPush(results: results)
    }

    /// A failed item: its index and the error as it would be sent (RPCError.json carries data.reason and
    /// whatever else the error names, kept as the open `data` object's other members).
    static func errorResult(_ index: Int, _ error: RPCError) throws -> Results.SyncPush.Result {
        Results.SyncPush.Result(
            index: Int64(index), error: try TypedRecords.decode(Results.SyncPush.Result.Error.self, error.json))
    }
}
