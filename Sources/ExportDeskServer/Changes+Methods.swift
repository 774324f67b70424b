import ExportDeskCore
import JSON
import JSONRPC
import Storage
import Support

/// changes.list: the change feed partners poll to stay in sync (SPEC §7), filtered to what the caller may see.
struct ChangeMethods {
    let db: Persistence

    func register(in registry: inout MethodSet) {
        let db = self.db
        registry.register(
            RPCMethod(
                name: "changes.list",
                handler: .async { ctx, p in
                    let principal = ctx.principal
                    let policy = ctx.policy
                    let since = Int64(p["since"]?.stringValue ?? "0") ?? 0
                    let entities = p["entities"]?.arrayValue?.compactMap(\.stringValue)
                    let limit = Int(p["limit"]?.int64Value ?? 100)
                    let includeRecords = p["includeRecords"]?.boolValue ?? false
                    return try await db.read { conn in
                        let (items, next) = try ChangeLog.list(conn, since: since, entities: entities, limit: limit) {
                            entity, id in
                            try Self.visible(entity: entity, id: id, to: principal, conn)
                        }
                        let shown = try items.map { item -> JSONValue in
                            guard case .object(let entry) = item else { return item }
                            var o = policy.present(change: entry)
                            if includeRecords,
                                let record = try Self.record(
                                    entity: o["entity"]?.stringValue ?? "", id: o["id"]?.stringValue ?? "", conn)
                            {
                                o["record"] =
                                    o["entity"] == "student"
                                    ? .object(policy.present(student: record.objectValue ?? [:])) : record
                            }
                            return .object(o)
                        }
                        return ["items": .array(shown), "nextCursor": .string(String(next))]
                    }
                }), access: .anyRole)

        registry.register(
            RPCMethod(
                name: "changes.subscribe",
                handler: .sync { ctx, p in
                    guard let store = db.state.store else { throw RPCError.storageUnavailable("no database is open") }
                    let entities = p["entities"]?.arrayValue.map { Set($0.compactMap(\.stringValue)) }
                    let from = p["since"]?.stringValue.flatMap { Int64($0) }
                    let subscriber = try db.state.changeHub.subscribe(
                        session: ctx.session, entities: entities, from: from, store: store)
                    // Notifications start only once this answer is out, so a client always learns the id first.
                    ctx.session.afterAnswersSent { subscriber.release() }
                    return ["subscriptionId": .string(subscriber.id), "since": .string(String(subscriber.since))]
                }), access: .anyRole, effect: .session)
        registry.register(
            RPCMethod(
                name: "changes.unsubscribe",
                handler: .sync { ctx, p in
                    let id = p["subscriptionId"]?.stringValue ?? ""
                    return [
                        "subscriptionId": .string(id),
                        "unsubscribed": .bool(db.state.changeHub.unsubscribe(id: id, session: ctx.session)),
                    ]
                }), access: .anyRole, effect: .session)
    }

    /// The entities stored in a RecordTable, by their change-log name.
    static let tables: [String: any AnyRecordTable] = [
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
    static func record(entity: String, id: String, _ db: any SQLDatabase) throws -> JSONValue? {
        switch entity {
        case "company": return try? CompanyRepository.get(db, id: id)
        case "agreement":
            return try AgreementRepository.records.load(db, id: id).map {
                .object(AgreementRepository.withStatus($0.record, today: WallClock.today))
            }
        default: return try tables[entity]?.load(db, id: id).map { .object($0.record) }
        }
    }
}
