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
        registry.register(RPCMethod(name: "changes.list", handler: .async { ctx, p in
            let principal = ctx.principal
            let since = Int64(p["since"]?.stringValue ?? "0") ?? 0
            let entities = p["entities"]?.arrayValue?.compactMap(\.stringValue)
            let limit = Int(p["limit"]?.int64Value ?? 100)
            let includeRecords = p["includeRecords"]?.boolValue ?? false
            return try await db.read { conn in
                let (items, next) = try ChangeLog.list(conn, since: since, entities: entities, limit: limit) { entity, id in
                    try Self.visible(entity: entity, id: id, to: principal, conn)
                }
                let shown = try items.map { item -> JSONValue in
                    guard case .object(var o) = item else { return item }
                    if !(principal?.seesEverything ?? false) { o["actor"] = nil }
                    if includeRecords, let record = try Self.record(entity: o["entity"]?.stringValue ?? "", id: o["id"]?.stringValue ?? "", conn) {
                        // A host company knows a student only by name, specialty and institution (SPEC §8).
                        o["record"] = principal?.role == .company && o["entity"] == "student"
                            ? .object(StudentRepository.reducedForCompany(record.objectValue ?? [:])) : record
                    }
                    return .object(o)
                }
                return ["items": .array(shown), "nextCursor": .string(String(next))]
            }
        }), access: .anyRole)

        registry.register(RPCMethod(name: "changes.subscribe", handler: .sync { ctx, p in
            guard let store = db.state.store else { throw RPCError.storageUnavailable("no database is open") }
            let entities = p["entities"]?.arrayValue.map { Set($0.compactMap(\.stringValue)) }
            let from = p["since"]?.stringValue.flatMap { Int64($0) }
            let subscriber = try db.state.changeHub.subscribe(session: ctx.session, entities: entities, from: from, store: store)
            // Notifications start only once this answer is out, so a client always learns the id first.
            ctx.session.afterAnswersSent { subscriber.release() }
            return ["subscriptionId": .string(subscriber.id), "since": .string(String(subscriber.since))]
        }), access: .anyRole, effect: .session)
        registry.register(RPCMethod(name: "changes.unsubscribe", handler: .sync { ctx, p in
            let id = p["subscriptionId"]?.stringValue ?? ""
            return ["subscriptionId": .string(id), "unsubscribed": .bool(db.state.changeHub.unsubscribe(id: id, session: ctx.session))]
        }), access: .anyRole, effect: .session)
    }

    /// The entities stored in a RecordTable, by their change-log name.
    static let tables: [String: any AnyRecordTable] = [
        "staff": StaffRepository.records, "request": RequestRepository.records, "event": EventRepository.records,
        "participation": ParticipationRepository.records, "strategy": StrategyRepository.records,
        "institution": InstitutionRepository.records, "agreement": AgreementRepository.records, "offer": OfferRepository.records,
        "student": StudentRepository.records, "placement": PlacementRepository.records,
    ]

    /// One indexed column of a record as it is now (nil when the record is gone): the feed's visibility checks
    /// run once per change, so they read the column, not the record.
    static func field(_ column: String, of entity: String, _ id: String, _ db: any SQLDatabase) throws -> String? {
        try tables[entity]?.value(db, id: id, column: column)
    }

    /// What each role may see of the feed (SPEC §8): admin everything; staff and viewer the programme (not
    /// tokens); events everyone; an institution and a company what belongs to them.
    static func visible(entity: String, id: String, to principal: Principal?, _ db: any SQLDatabase) throws -> Bool {
        guard let principal else { return false }
        switch principal.role {
        case .admin: return true
        case .staff, .viewer: return entity != "token"
        case .institution:
            guard let own = principal.institutionID else { return false }
            switch entity {
            case "event": return true
            case "institution": return id == own
            case "agreement", "student", "placement": return try field("institution_id", of: entity, id, db) == own
            // Published offers: open ones, and closed ones so that a partner learns an offer it saw was closed.
            case "offer": return ["open", "closed"].contains(try field("status", of: entity, id, db) ?? "")
            default: return false
            }
        case .company:
            guard let own = principal.companyID else { return false }
            switch entity {
            case "event": return true
            case "company": return id == own
            case "request", "participation", "strategy", "offer", "placement": return try field("company_id", of: entity, id, db) == own
            case "student": return try StudentRepository.isPlaced(db, studentID: id, atCompany: own)
            default: return false
            }
        }
    }

    /// The record as it is now, for includeRecords.
    static func record(entity: String, id: String, _ db: any SQLDatabase) throws -> JSONValue? {
        switch entity {
        case "company": return try? CompanyRepository.get(db, id: id)
        case "agreement": return try AgreementRepository.records.load(db, id: id).map { .object(AgreementRepository.withStatus($0.record, today: WallClock.today)) }
        default: return try tables[entity]?.load(db, id: id).map { .object($0.record) }
        }
    }
}
