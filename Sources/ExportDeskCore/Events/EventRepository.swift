import ExportDeskSchemas
import JSON
import Storage

/// Exhibitions and business missions (SPEC §5).
public enum EventRepository {
    public static let records = RecordTable<Records.Event>(
        table: "events", entity: "event", prefix: "ev",
        columns: [
            ("status", { .text($0.status.rawValue) }),
            ("kind", { .text($0.kind.rawValue) }),
            ("country", { .text($0.country) }),
            ("starts_on", { .text($0.startsOn) }),
            ("ends_on", { .text($0.endsOn) }),
            ("text_key", { .text(TextIndex.words([$0.title, $0.city, $0.description])) }),
            ("sectors_key", { .text("|" + ($0.sectors ?? []).joined(separator: "|") + "|") }),
        ])
    static let mutableFields: Set<String> = [
        "kind", "title", "country", "city", "venue", "startsOn", "endsOn", "applicationDeadline",
        "sectors", "capacity", "organizer", "website", "description", "autoPromoteWaitlist", "externalRef",
    ]

    /// endsOn ≥ startsOn and deadline ≤ startsOn: -32602 like schema violations (SPEC §11).
    static func checkDates(_ r: Records.Event, path: String) throws {
        var issues = [periodIssue(r.startsOn, r.endsOn, path: path)].compactMap { $0 }
        if let deadline = r.applicationDeadline, deadline > r.startsOn {
            issues.append(
                .init(
                    instancePath: path + "/applicationDeadline", keyword: "consistency",
                    message: "must not be after startsOn (\(r.startsOn))"))
        }
        if !issues.isEmpty { throw DomainError.invalidParams(issues) }
    }

    public static func create(_ ctx: WriteContext, _ p: Params.EventsCreate) throws -> JSONValue {
        var record = TypedRecords.fields(of: p, mutableFields)
        if record["autoPromoteWaitlist"] == nil { record["autoPromoteWaitlist"] = true }
        record.recordStatus = Records.Event.Status.draft.rawValue
        return .object(try records.insert(ctx, record) { try checkDates($0, path: "") })
    }

    public static func update(
        _ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?
    ) throws -> JSONValue {
        .object(
            try records.update(
                ctx, id: id, patch: patch, mutableFields: mutableFields, expectedVersion: expectedVersion,
                before: { current in
                    _ = try Lifecycle.event.apply("update", to: current.status.rawValue)
                },
                validate: { event in
                    try checkDates(event, path: "/patch")
                    if let capacity = event.capacity {
                        let taken = try ParticipationRepository.approvedCount(ctx.db, eventID: id)
                        if capacity < taken {
                            throw DomainError.ruleViolation(
                                .capacityBelowTaken,
                                "capacity \(capacity) is below the \(taken) approved participations",
                                ["capacity": .number(.int(capacity)), "taken": .number(.int(taken))])
                        }
                    }
                }))
    }

    /// open, close, complete, cancel. Cancelling cancels the event's live participations in the same transaction.
    public static func transition(
        _ ctx: WriteContext, verb: String, id: String, expectedVersion: Int64?
    ) throws -> JSONValue {
        let record = try records.transition(
            ctx, id: id, verb: verb, lifecycle: .event, expectedVersion: expectedVersion,
            op: verb == "cancel" ? .deleted : .updated)
        if verb == "cancel" { try ParticipationRepository.cancelLive(ctx, eventID: id) }
        return .object(record)
    }

    public static func list(_ db: any SQLDatabase, _ p: Params.EventsList) throws -> ListPage<Records.Event> {
        var f = ListFilter()
        f.equal("kind", p.filter?.kind)
        f.equal("status", p.filter?.status)
        f.equal("country", p.filter?.country)
        if let from = p.filter?.from { f.add("ends_on >= ?", [.text(from)]) }
        if let to = p.filter?.to { f.add("starts_on <= ?", [.text(to)]) }
        if let sector = p.filter?.sector { f.add(db.dialect.contains("sectors_key", "?"), [.text("|" + sector + "|")]) }
        f.words(p.filter?.q)
        return try records.page(db, f, sortColumn: "starts_on", sortName: "startsOn", list: p)
    }
}
