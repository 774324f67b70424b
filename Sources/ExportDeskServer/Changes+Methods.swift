import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Storage
import Support

/// changes.list: the change feed partners poll to stay in sync (SPEC §7), filtered to what the caller may see.
struct ChangeMethods {
    let db: Persistence

    func register(in registry: inout MethodSet) {
        let db = self.db
        registry.register("changes.list", Params.ChangesList.self, access: .anyRole) { ctx, p in
            let principal = ctx.principal
            let policy = ctx.policy
            let since = Int64(p.since ?? "0") ?? 0
            let entities = p.entities?.map(\.rawValue)
            let limit = Int(p.limit ?? 100)
            let includeRecords = p.includeRecords ?? false
            return try await db.read { conn in
                let (entries, next) = try ChangeLog.entries(conn, since: since, entities: entities, limit: limit) {
                    entity, id in
                    try Self.visible(entity: entity, id: id, to: principal, conn)
                }
                let shown = try entries.map { entry in
                    let record = includeRecords ? try Self.record(entity: entry.entity, id: entry.id, conn) : nil
                    return Results.ChangesList.Item(
                        policy.present(change: entry),
                        record: record.map { entry.entity == "student" ? policy.present(student: $0) : $0 })
                }
                return Results.ChangesList(items: shown, nextCursor: String(next))
            }
        }
        registry.registerInline("changes.subscribe", Params.ChangesSubscribe.self, access: .anyRole, effect: .session) {
            ctx, p in
            guard let store = db.state.store else { throw RPCError.storageUnavailable("no database is open") }
            let subscriber = try db.state.changeHub.subscribe(
                session: ctx.session, entities: p.entities.map { Set($0.map(\.rawValue)) },
                from: p.since.flatMap { Int64($0) }, store: store)
            // Notifications start only once this answer is out, so a client always learns the id first.
            ctx.session.afterAnswersSent { subscriber.release() }
            return Results.ChangesSubscribe(subscriptionId: subscriber.id, since: String(subscriber.since))
        }
        registry.registerInline(
            "changes.unsubscribe", Params.ChangesUnsubscribe.self, access: .anyRole, effect: .session
        ) { ctx, p in
            Results.ChangesUnsubscribe(
                subscriptionId: p.subscriptionId,
                unsubscribed: db.state.changeHub.unsubscribe(id: p.subscriptionId, session: ctx.session))
        }
    }

    /// The entities stored in a RecordTable, by their change-log name.
    static let tables: [String: any AnyRecordTable] = [
        "company": CompanyRepository.records,
        "staff": StaffRepository.records, "request": RequestRepository.records, "event": EventRepository.records,
        "participation": ParticipationRepository.records, "strategy": StrategyRepository.records,
        "institution": InstitutionRepository.records, "agreement": AgreementRepository.records,
        "offer": OfferRepository.records,
        "student": StudentRepository.records, "placement": PlacementRepository.records,
    ]

    /// One indexed column of a record as it is now (nil when the record is gone): the feed's visibility checks
    /// run once per change, so they read the column, not the record.
    static func field(_ column: String, of entity: String, _ id: String, _ db: any SQLDatabase) throws -> String? {
        try tables[entity]?.value(db, id: id, column: column)
    }

    /// What the caller may see of the feed: AccessPolicy.sees, with each record's scope read from its column.
    static func visible(entity: String, id: String, to principal: Principal?, _ db: any SQLDatabase) throws -> Bool {
        try AccessPolicy(principal).sees(entity: entity, id: id, db) { column in try field(column, of: entity, id, db) }
    }

    /// The record as it is now, for includeRecords.
    static func record(entity: String, id: String, _ db: any SQLDatabase) throws -> JSONObject? {
        try tables[entity]?.current(db, id: id)
    }
}

extension Results.ChangesList.Item {
    /// A change-log entry as the feed shows it, with the record beside it when includeRecords asked for it.
    init(_ entry: Records.ChangeEntry, record: JSONObject?) {
        self.init(
            seq: entry.seq, entity: entry.entity, id: entry.id, op: Op(rawValue: entry.op.rawValue)!,
            action: entry.action, version: entry.version, at: entry.at, actor: entry.actor, record: record)
    }
}
