import ExportDeskSchemas
import JSON
import Storage

/// A student's internship at an offer (SPEC §6): proposed → confirmed → active → completed;
/// proposed/confirmed → cancelled; active → terminated.
///
/// The rules run inside the single writer's transaction, so two concurrent proposals or confirmations
/// cannot both pass a check that only one of them may: the period lies inside the offer's, the student's
/// institution has an agreement covering the whole period, a student's live placements never overlap, and
/// confirmed + active placements never exceed the offer's slots.
public enum PlacementRepository {
    public static let records = RecordTable<Records.Placement>(
        table: "placements", entity: "placement", prefix: "pl",
        synced: [
            ("status", { .text($0.status.rawValue) }),
            ("student_id", { .text($0.studentId) }),
            ("offer_id", { .text($0.offerId) }),
            ("company_id", { .text($0.companyId) }),
            ("institution_id", { .text($0.institutionId) }),
            ("starts_on", { .text($0.startsOn) }),
            ("ends_on", { .text($0.endsOn) }),
        ], counted: "status")
    public static let lifecycle = Lifecycle(
        entity: "placement", verbs: ["confirm", "start", "complete", "cancel", "terminate", "update"],
        transitions: [
            "confirm": ["proposed": "confirmed"],
            "start": ["confirmed": "active"],
            "complete": ["active": "completed"],
            "cancel": ["proposed": "cancelled", "confirmed": "cancelled"],
            "terminate": ["active": "terminated"],
            "update": ["proposed": "proposed", "confirmed": "confirmed"],
        ])
    /// Placements that hold the student's time (and can overlap another).
    public static let live = ["proposed", "confirmed", "active"]
    public static let mutableFields: Set<String> = ["startsOn", "endsOn", "externalRef"]

    /// Confirmed and active placements at the offer: the slots taken.
    public static func taken(_ db: any SQLDatabase, offerID: String) throws -> Int64 {
        try db.scalar(
            "SELECT count(*) FROM placements WHERE offer_id = ? AND status IN ('confirmed', 'active')", [.text(offerID)]
        ) ?? 0
    }

    /// `studentId`, or the student found by `studentRef` (its externalRef), so a partner can push a student
    /// and its placement in one `sync.push`.
    static func studentID(_ ctx: WriteContext, id: Records.RecordID?, ref: Records.ExternalRef?) throws -> String {
        if id != nil && ref != nil {
            throw DomainError.invalidParams(
                path: "/studentRef", keyword: "oneOf", "give studentId or studentRef, not both")
        }
        if let id { return id }
        guard let ref else {
            throw DomainError.invalidParams(
                path: "/studentId", keyword: "required", "studentId or studentRef is required")
        }
        guard let found = try StudentRepository.records.id(ctx.db, externalRef: ref) else {
            throw DomainError.notFound(entity: "student", id: "\(ref.system)/\(ref.id)")
        }
        return found
    }

    /// What the period rules look at: whose placement, when, and (for an update) which one it is.
    struct Span {
        var placementID = ""
        var studentID: String
        var institutionID: String
        var startsOn: String
        var endsOn: String

        init(_ p: Records.Placement) {
            (placementID, studentID, institutionID, startsOn, endsOn) = (
                p.id, p.studentId, p.institutionId, p.startsOn, p.endsOn
            )
        }
        init(studentID: String, institutionID: String, startsOn: String, endsOn: String) {
            (self.studentID, self.institutionID, self.startsOn, self.endsOn) = (
                studentID, institutionID, startsOn, endsOn
            )
        }
    }

    /// From the untyped fields of an upsert or of the demo: the same params `placements.propose` takes.
    public static func propose(_ ctx: WriteContext, fields: JSONObject) throws -> JSONObject {
        try propose(ctx, TypedRecords.params(Params.PlacementsPropose.self, fields))
    }

    public static func propose(_ ctx: WriteContext, _ p: Params.PlacementsPropose) throws -> JSONObject {
        let studentID = try studentID(ctx, id: p.studentId, ref: p.studentRef)
        let student = try StudentRepository.records.record(ctx.db, id: studentID)
        try ctx.requireScope(institutionID: student.institutionId, entity: "student", id: studentID)
        let offer = try OfferRepository.records.record(ctx.db, id: p.offerId)
        if offer.status != .open {
            if ctx.principal?.role == .institution { throw DomainError.notFound(entity: "offer", id: p.offerId) }
            throw DomainError.ruleViolation(
                .offerNotOpen, "offer \(p.offerId) is \(offer.status.rawValue) and takes no proposals",
                ["offerId": .string(p.offerId), "offerStatus": .string(offer.status.rawValue)])
        }
        let span = Span(
            studentID: studentID, institutionID: student.institutionId, startsOn: p.startsOn ?? offer.startsOn,
            endsOn: p.endsOn ?? offer.endsOn)
        let record = JSONObject(optional: [
            ("studentId", .string(studentID)), ("offerId", .string(p.offerId)), ("companyId", .string(offer.companyId)),
            ("institutionId", .string(student.institutionId)), ("startsOn", .string(span.startsOn)),
            ("endsOn", .string(span.endsOn)), ("externalRef", p.externalRef?.json),
            ("status", .string(Records.Placement.Status.proposed.rawValue)),
        ])
        return try records.insert(ctx, record) { placement in
            try checkPeriod(placement.startsOn, placement.endsOn, path: "")
            try checkRules(ctx, span, offer: offer)
            try records.checkExternalRef(ctx.db, placement.externalRef, id: placement.id)
        }
    }

    /// The period rules of SPEC §6, each with what a partner needs to fix it.
    static func checkRules(_ ctx: WriteContext, _ r: Span, offer: Records.Offer) throws {
        if r.startsOn < offer.startsOn || r.endsOn > offer.endsOn {
            throw DomainError.ruleViolation(
                .periodOutsideOffer,
                "the period \(r.startsOn)..\(r.endsOn) lies outside the offer's \(offer.startsOn)..\(offer.endsOn)",
                [
                    "offerId": .string(offer.id), "offerStartsOn": .string(offer.startsOn),
                    "offerEndsOn": .string(offer.endsOn),
                ])
        }
        try checkAgreement(ctx, r)
        try ctx.db.query(
            """
            SELECT id, starts_on, ends_on FROM placements WHERE student_id = ? AND status IN ('proposed', 'confirmed', 'active')
            AND starts_on <= ? AND ends_on >= ? AND id <> ? LIMIT 1
            """, [.text(r.studentID), .text(r.endsOn), .text(r.startsOn), .text(r.placementID)]
        ) { s in
            throw DomainError.ruleViolation(
                .periodOverlap,
                "the student's placement \(s.text(0) ?? "") (\(s.text(1) ?? "")..\(s.text(2) ?? "")) overlaps \(r.startsOn)..\(r.endsOn)",
                [
                    "placementId": .string(s.text(0) ?? ""), "startsOn": .string(s.text(1) ?? ""),
                    "endsOn": .string(s.text(2) ?? ""),
                ])
        }
    }

    /// An agreement of the student's institution covers the whole period (cut at a termination), whatever its
    /// status today.
    static func checkAgreement(_ ctx: WriteContext, _ r: Span) throws {
        let covering =
            try ctx.db.scalar(
                "SELECT count(*) FROM agreements WHERE institution_id = ? AND valid_from <= ? AND ends_on >= ?",
                [.text(r.institutionID), .text(r.startsOn), .text(r.endsOn)]) ?? 0
        if covering == 0 {
            throw DomainError.ruleViolation(
                .noActiveAgreement,
                "institution \(r.institutionID) has no agreement covering \(r.startsOn)..\(r.endsOn)",
                [
                    "institutionId": .string(r.institutionID), "startsOn": .string(r.startsOn),
                    "endsOn": .string(r.endsOn),
                ])
        }
    }

    /// A merge patch of startsOn, endsOn or externalRef (JSON, applied by RecordTable.update), checked as the
    /// placement it would make.
    public static func update(
        _ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?
    ) throws -> JSONObject {
        try records.update(
            ctx, id: id, patch: patch, mutableFields: mutableFields, expectedVersion: expectedVersion,
            before: { placement in
                try ctx.requireScope(
                    institutionID: placement.institutionId, companyID: placement.companyId, entity: "placement", id: id)
                _ = try lifecycle.apply("update", to: placement.status.rawValue)
            },
            validate: { placement in
                try checkPeriod(placement.startsOn, placement.endsOn, path: "/patch")
                try checkRules(
                    ctx, Span(placement), offer: try OfferRepository.records.record(ctx.db, id: placement.offerId))
                try records.checkExternalRef(ctx.db, placement.externalRef, id: placement.id)
            })
    }

    /// confirm: the agreement and the offer's slots are checked again, inside the transaction.
    public static func confirm(_ ctx: WriteContext, _ p: Params.PlacementsConfirm) throws -> JSONObject {
        try change(ctx, verb: "confirm", id: p.id, expectedVersion: p.expectedVersion, scope: .host) { placement in
            try checkAgreement(ctx, Span(placement))
            let offer = try OfferRepository.records.record(ctx.db, id: placement.offerId)
            let taken = try taken(ctx.db, offerID: offer.id)
            if taken >= offer.slots {
                throw DomainError.capacityExceeded(
                    capacity: offer.slots, taken: taken, offerId: offer.id,
                    "all \(offer.slots) slots of offer \(offer.id) are taken")
            }
        }
    }

    public static func start(_ ctx: WriteContext, _ p: Params.PlacementsStart) throws -> JSONObject {
        try change(ctx, verb: "start", id: p.id, expectedVersion: p.expectedVersion, scope: .host) { _ in }
    }

    /// complete: with its results (hours, grade, feedback, competencies) and when.
    public static func complete(_ ctx: WriteContext, _ p: Params.PlacementsComplete) throws -> JSONObject {
        try change(ctx, verb: "complete", id: p.id, expectedVersion: p.expectedVersion, scope: .host) { placement in
            placement.completion = .init(
                completedAt: ctx.now, hours: p.hours, grade: p.grade, feedback: p.feedback, competencies: p.competencies
            )
        }
    }

    /// cancel (either side) and terminate (the host), each with its reason.
    public static func cancel(_ ctx: WriteContext, _ p: Params.PlacementsCancel) throws -> JSONObject {
        try change(ctx, verb: "cancel", id: p.id, expectedVersion: p.expectedVersion, scope: .both) { placement in
            placement.cancellation = .init(reason: p.reason, at: ctx.now)
        }
    }

    public static func terminate(_ ctx: WriteContext, _ p: Params.PlacementsTerminate) throws -> JSONObject {
        try change(ctx, verb: "terminate", id: p.id, expectedVersion: p.expectedVersion, scope: .host) { placement in
            placement.termination = .init(reason: p.reason, at: ctx.now)
        }
    }

    /// Who may take a verb: the host company only, or the student's institution as well.
    enum Scope { case host, both }

    /// One lifecycle step of a placement, through `Lifecycle` (RecordTable.transition), editing it typed.
    private static func change(
        _ ctx: WriteContext, verb: String, id: String, expectedVersion: Int64?, scope: Scope,
        _ edit: @escaping (inout Records.Placement) throws -> Void
    ) throws -> JSONObject {
        try records.transition(
            ctx, id: id, verb: verb, lifecycle: lifecycle, expectedVersion: expectedVersion,
            before: { placement in
                try ctx.requireScope(
                    institutionID: scope == .both ? placement.institutionId : nil, companyID: placement.companyId,
                    entity: "placement", id: id)
            }, change: edit)
    }

    public static let upsert = Upsert(
        table: records, mutableFields: mutableFields, immutable: ["studentId", "offerId"],
        create: { ctx, fields in try propose(ctx, fields: fields) },
        update: { ctx, id, patch, version in try update(ctx, id: id, patch: patch, expectedVersion: version) })

    /// An upsert keyed by externalRef; the student may be named by `studentRef`.
    public static func upsert(
        _ ctx: WriteContext, fields: JSONObject, expectedVersion: Int64?
    ) throws -> (UpsertOutcome, JSONObject) {
        let p = try TypedRecords.params(Params.PlacementsUpsert.self, fields)
        // The upsert's fields with the student named by id, whichever way the partner named it.
        let studentID = try studentID(ctx, id: p.studentId, ref: p.studentRef)
        let resolved = JSONObject(
            fields.filter { $0.key != "studentRef" && $0.key != "studentId" } + [("studentId", .string(studentID))])
        return try upsert.run(ctx, fields: resolved, expectedVersion: expectedVersion)
    }

    /// Filters studentId, offerId, companyId, institutionId, status; scoped for institution and company tokens.
    public static func list(
        _ db: any SQLDatabase, _ p: Params.PlacementsList, onlyInstitution: String?, onlyCompany: String?
    ) throws -> ListPage<Records.Placement> {
        var f = ListFilter()
        f.equal("student_id", p.filter?.studentId)
        f.equal("offer_id", p.filter?.offerId)
        f.equal("company_id", p.filter?.companyId)
        f.equal("institution_id", p.filter?.institutionId)
        f.equal("status", p.filter?.status)
        f.equal("institution_id", onlyInstitution)
        f.equal("company_id", onlyCompany)
        return try records.page(db, f, sortColumn: "starts_on", sortName: "startsOn", list: p)
    }
}

/// Synced by partners (SPEC §7): its table carries ext_system/ext_id.
extension Records.Placement: SyncedRecord {}
