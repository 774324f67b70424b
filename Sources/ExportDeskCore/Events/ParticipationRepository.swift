import ExportDeskSchemas
import JSON
import Storage

/// A company's application to an event (SPEC §5). Capacity is checked inside the write transaction, so two
/// concurrent approvals for the last place never both succeed.
public enum ParticipationRepository {
    public static let records = RecordTable<Records.Participation>(
        table: "participations", entity: "participation", prefix: "pa",
        columns: [
            ("status", { .text($0.status.rawValue) }),
            ("event_id", { .text($0.eventId) }),
            ("company_id", { .text($0.companyId) }),
            ("waitlisted_at", { $0.waitlistedAt.sqlValue }),
        ], counted: "status")

    public static func approvedCount(_ db: any SQLDatabase, eventID: String) throws -> Int64 {
        try db.scalar(
            "SELECT count(*) FROM participations WHERE event_id = ? AND status = 'approved'", [.text(eventID)]) ?? 0
    }

    public static func apply(_ ctx: WriteContext, _ p: Params.ParticipationsApply) throws -> JSONValue {
        let (eventID, companyID) = (p.eventId, p.companyId)
        let event = try EventRepository.records.record(ctx.db, id: eventID)
        _ = try CompanyRepository.records.record(ctx.db, id: companyID)
        guard event.status == .open else {
            let status = event.status.rawValue
            throw invalidTransition(
                entity: "event", from: status, action: "apply", allowed: Lifecycle.event.allowed(from: status))
        }
        let today = ctx.today
        if let deadline = event.applicationDeadline, today > deadline {
            throw DomainError.ruleViolation(
                .deadlinePassed, "the application deadline \(deadline) has passed", ["deadline": .string(deadline)])
        }
        var existing: String?
        try ctx.db.query(
            "SELECT id FROM participations WHERE event_id = ? AND company_id = ?", [.text(eventID), .text(companyID)]
        ) { existing = $0.text(0) }
        if let existing {
            throw DomainError.duplicate(
                field: "companyId", existingId: existing, "the company has already applied to this event")
        }
        var record = TypedRecords.fields(of: p, ["eventId", "companyId", "products", "notes", "externalRef"])
        record.recordStatus = Records.Participation.Status.applied.rawValue
        return .object(try records.insert(ctx, record))
    }

    /// Approves (checking capacity), or waitlists instead with `orWaitlist`.
    public static func approve(
        _ ctx: WriteContext, id: String, orWaitlist: Bool, expectedVersion: Int64?
    ) throws -> JSONValue {
        guard case (let rowid, var record)? = try records.load(ctx.db, id: id) else {
            throw DomainError.notFound(entity: "participation", id: id)
        }
        let participation = try records.typed(record)
        let state = participation.status.rawValue
        _ = try Lifecycle.participation.apply("approve", to: state)
        try Versions.check(record, expectedVersion: expectedVersion)
        let eventID = participation.eventId
        let event = try EventRepository.records.record(ctx.db, id: eventID)
        let capacity = event.capacity ?? Int64.max
        let taken = try approvedCount(ctx.db, eventID: eventID)
        if taken >= capacity {
            guard orWaitlist, state == "applied" else {
                throw DomainError.capacityExceeded(
                    capacity: capacity, taken: taken, "all \(capacity) places of the event are taken")
            }
            record.recordStatus = try Lifecycle.participation.apply("waitlist", to: state)
            try TypedRecords.edit(&record, as: Records.Participation.self) { $0.waitlistedAt = ctx.now }
        } else {
            record.recordStatus = try Lifecycle.participation.apply("approve", to: state)
        }
        try records.save(ctx, rowid: rowid, &record)
        return .object(record)
    }

    /// A lifecycle verb with the verb's own changes; `attended` is markAttendance's answer (false: no_show).
    public static func transition(
        _ ctx: WriteContext, verb: String, id: String, expectedVersion: Int64?, attended: Bool = true,
        change: (inout Records.Participation) throws -> Void = { _ in }
    ) throws -> JSONValue {
        guard case (let rowid, var record)? = try records.load(ctx.db, id: id) else {
            throw DomainError.notFound(entity: "participation", id: id)
        }
        let participation = try records.typed(record)
        let state = participation.status.rawValue
        var next = try Lifecycle.participation.apply(verb, to: state)
        try Versions.check(record, expectedVersion: expectedVersion)
        if verb == "markAttendance" || verb == "recordResults" {
            let eventState = try EventRepository.records.record(ctx.db, id: participation.eventId).status.rawValue
            let needed = verb == "markAttendance" ? ["closed", "completed"] : ["completed"]
            guard needed.contains(eventState) else {
                throw invalidTransition(
                    entity: "participation of a \(eventState) event", from: state, action: verb, allowed: [])
            }
        }
        try TypedRecords.edit(&record, as: Records.Participation.self) { participation in
            if verb == "waitlist" { participation.waitlistedAt = ctx.now }
            try change(&participation)
        }
        if verb == "markAttendance" && !attended { next = try Lifecycle.participation.apply("markNoShow", to: state) }
        record.recordStatus = next
        try records.save(ctx, rowid: rowid, &record)
        if verb == "withdraw" && state == "approved" { try promoteWaitlisted(ctx, eventID: participation.eventId) }
        return .object(record)
    }

    /// When a place frees up and the event auto-promotes, the earliest waitlisted participation is approved
    /// in the same transaction.
    static func promoteWaitlisted(_ ctx: WriteContext, eventID: String) throws {
        let event = try EventRepository.records.record(ctx.db, id: eventID)
        guard event.autoPromoteWaitlist else { return }
        guard try approvedCount(ctx.db, eventID: eventID) < (event.capacity ?? Int64.max) else { return }
        var next: String?
        try ctx.db.query(
            "SELECT id FROM participations WHERE event_id = ? AND status = 'waitlisted' ORDER BY waitlisted_at, id LIMIT 1",
            [.text(eventID)]
        ) { next = $0.text(0) }
        guard let next, case (let rowid, var record)? = try records.load(ctx.db, id: next) else { return }
        record.recordStatus = try Lifecycle.participation.apply(
            "promote", to: try records.typed(record).status.rawValue)
        try records.save(ctx, rowid: rowid, &record)
    }

    /// An event's cancellation: its applied, approved and waitlisted participations become cancelled.
    static func cancelLive(_ ctx: WriteContext, eventID: String) throws {
        var ids: [String] = []
        try ctx.db.query(
            "SELECT id FROM participations WHERE event_id = ? AND status IN ('applied', 'approved', 'waitlisted') ORDER BY id",
            [.text(eventID)]
        ) { if let id = $0.text(0) { ids.append(id) } }
        for id in ids {
            guard case (let rowid, var record)? = try records.load(ctx.db, id: id) else { continue }
            record.recordStatus = try Lifecycle.participation.apply(
                "cancelWithEvent", to: try records.typed(record).status.rawValue)
            try records.save(ctx, rowid: rowid, &record, op: .deleted)
        }
    }

    public static func list(
        _ db: any SQLDatabase, _ p: Params.ParticipationsList, onlyCompany: String?
    ) throws -> ListPage<Records.Participation> {
        var f = ListFilter()
        f.equal("event_id", p.filter?.eventId)
        f.equal("company_id", p.filter?.companyId)
        f.equal("status", p.filter?.status)
        f.equal("company_id", onlyCompany)
        return try records.page(db, f, sortColumn: "created_at", sortName: "createdAt", list: p)
    }
}
