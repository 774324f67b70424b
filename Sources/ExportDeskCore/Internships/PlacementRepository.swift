import JSON
import JSONRPC
import Storage

/// A student's internship at an offer (SPEC §6): proposed → confirmed → active → completed;
/// proposed/confirmed → cancelled; active → terminated.
///
/// The rules run inside the single writer's transaction, so two concurrent proposals or confirmations
/// cannot both pass a check that only one of them may: the period lies inside the offer's, the student's
/// institution has an agreement covering the whole period, a student's live placements never overlap, and
/// confirmed + active placements never exceed the offer's slots.
public enum PlacementRepository {
    public static let records = RecordTable(table: "placements", entity: "placement", prefix: "pl", columns: [
        ("status", { .text($0["status"]?.stringValue ?? "proposed") }),
        ("student_id", { .text($0["studentId"]?.stringValue ?? "") }),
        ("offer_id", { .text($0["offerId"]?.stringValue ?? "") }),
        ("company_id", { .text($0["companyId"]?.stringValue ?? "") }),
        ("institution_id", { .text($0["institutionId"]?.stringValue ?? "") }),
        ("starts_on", { .text($0["startsOn"]?.stringValue ?? "") }),
        ("ends_on", { .text($0["endsOn"]?.stringValue ?? "") }),
    ], synced: true)
    public static let lifecycle = Lifecycle(entity: "placement", verbs: ["confirm", "start", "complete", "cancel", "terminate", "update"], transitions: [
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
        try db.scalar("SELECT count(*) FROM placements WHERE offer_id = ? AND status IN ('confirmed', 'active')", [.text(offerID)]) ?? 0
    }

    /// `studentId`, or the student found by `studentRef` (its externalRef), so a partner can push a student
    /// and its placement in one `sync.push`.
    static func studentID(_ ctx: WriteContext, _ fields: JSONObject) throws -> String {
        if fields["studentId"] != nil && fields["studentRef"] != nil {
            throw RPCError.invalidParams(path: "/studentRef", keyword: "oneOf", "give studentId or studentRef, not both")
        }
        if let id = fields["studentId"]?.stringValue { return id }
        guard let ref = fields["studentRef"] else {
            throw RPCError.invalidParams(path: "/studentId", keyword: "required", "studentId or studentRef is required")
        }
        guard let (_, student) = try StudentRepository.records.load(ctx.db, externalRef: ref), let id = student["id"]?.stringValue else {
            throw RPCError.notFound(entity: "student", id: "\(ref["system"]?.stringValue ?? "")/\(ref["id"]?.stringValue ?? "")")
        }
        return id
    }

    public static func propose(_ ctx: WriteContext, fields: JSONObject) throws -> JSONObject {
        let studentID = try studentID(ctx, fields)
        let student = try StudentRepository.records.get(ctx.db, id: studentID)
        try ctx.requireScope(institutionID: student["institutionId"]?.stringValue, entity: "student", id: studentID)
        let offerID = fields["offerId"]?.stringValue ?? ""
        let offer = try OfferRepository.records.get(ctx.db, id: offerID)
        if offer["status"] != "open" {
            if ctx.principal?.role == .institution { throw RPCError.notFound(entity: "offer", id: offerID) }
            throw RPCError.ruleViolation("OFFER_NOT_OPEN", "offer \(offerID) is \(offer["status"]?.stringValue ?? "") and takes no proposals",
                                ["offerId": .string(offerID), "offerStatus": offer["status"] ?? .null])
        }
        var record: JSONObject = [
            "studentId": .string(studentID), "offerId": .string(offerID), "companyId": offer["companyId"] ?? .null,
            "institutionId": student["institutionId"] ?? .null,
            "startsOn": fields["startsOn"] ?? offer["startsOn"] ?? .null, "endsOn": fields["endsOn"] ?? offer["endsOn"] ?? .null,
        ]
        if let ref = fields["externalRef"] { record["externalRef"] = ref }
        try checkPeriod(record, path: "")
        try checkRules(ctx, record, offer: offer)
        try records.checkExternalRef(ctx.db, record)
        record["status"] = "proposed"
        return try records.insert(ctx, record)
    }

    /// The period rules of SPEC §6, each with what a partner needs to fix it.
    static func checkRules(_ ctx: WriteContext, _ r: JSONObject, offer: JSONObject) throws {
        let start = r["startsOn"]?.stringValue ?? "", end = r["endsOn"]?.stringValue ?? ""
        let offerStart = offer["startsOn"]?.stringValue ?? "", offerEnd = offer["endsOn"]?.stringValue ?? ""
        if start < offerStart || end > offerEnd {
            throw RPCError.ruleViolation("PERIOD_OUTSIDE_OFFER", "the period \(start)..\(end) lies outside the offer's \(offerStart)..\(offerEnd)",
                                ["offerId": offer["id"] ?? .null, "offerStartsOn": .string(offerStart), "offerEndsOn": .string(offerEnd)])
        }
        try checkAgreement(ctx, r)
        let id = r["id"]?.stringValue ?? ""
        try ctx.db.query("""
            SELECT id, starts_on, ends_on FROM placements WHERE student_id = ? AND status IN ('proposed', 'confirmed', 'active')
            AND starts_on <= ? AND ends_on >= ? AND id <> ? LIMIT 1
            """, [.text(r["studentId"]?.stringValue ?? ""), .text(end), .text(start), .text(id)]) { s in
            throw RPCError.ruleViolation("PERIOD_OVERLAP", "the student's placement \(s.text(0) ?? "") (\(s.text(1) ?? "")..\(s.text(2) ?? "")) overlaps \(start)..\(end)",
                                ["placementId": .string(s.text(0) ?? ""), "startsOn": .string(s.text(1) ?? ""), "endsOn": .string(s.text(2) ?? "")])
        }
    }

    /// An agreement of the student's institution covers the whole period (cut at a termination), whatever its
    /// status today.
    static func checkAgreement(_ ctx: WriteContext, _ r: JSONObject) throws {
        let institution = r["institutionId"]?.stringValue ?? ""
        let start = r["startsOn"]?.stringValue ?? "", end = r["endsOn"]?.stringValue ?? ""
        let covering = try ctx.db.scalar("SELECT count(*) FROM agreements WHERE institution_id = ? AND valid_from <= ? AND ends_on >= ?",
                                         [.text(institution), .text(start), .text(end)]) ?? 0
        if covering == 0 {
            throw RPCError.ruleViolation("NO_ACTIVE_AGREEMENT", "institution \(institution) has no agreement covering \(start)..\(end)",
                                ["institutionId": .string(institution), "startsOn": .string(start), "endsOn": .string(end)])
        }
    }

    public static func update(_ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?) throws -> JSONObject {
        var current = JSONObject()
        return try records.update(ctx, id: id, patch: patch, mutableFields: mutableFields, expectedVersion: expectedVersion, before: { record in
            try ctx.requireScope(institutionID: record["institutionId"]?.stringValue, companyID: record["companyId"]?.stringValue, entity: "placement", id: id)
            _ = try lifecycle.apply("update", to: record["status"]?.stringValue ?? "")
            current = record
        }, validate: { patched in
            var next = current
            for (k, v) in patched { next[k] = v }
            for key in mutableFields where patched[key] == nil { next[key] = nil }
            try checkPeriod(next, path: "/patch")
            try checkRules(ctx, next, offer: try OfferRepository.records.get(ctx.db, id: current["offerId"]?.stringValue ?? ""))
            try records.checkExternalRef(ctx.db, next)
        })
    }

    /// The verbs: confirm (slots and agreement re-checked), start, complete (with its results), cancel and
    /// terminate (with a reason).
    public static func transition(_ ctx: WriteContext, verb: String, id: String, params: JSONObject) throws -> JSONObject {
        try records.transition(ctx, id: id, verb: verb, lifecycle: lifecycle, expectedVersion: params.expectedVersion, before: { record in
            try ctx.requireScope(institutionID: verb == "cancel" ? record["institutionId"]?.stringValue : nil,
                                 companyID: record["companyId"]?.stringValue, entity: "placement", id: id)
        }, change: { record in
            switch verb {
            case "confirm":
                try checkAgreement(ctx, record)
                let offer = try OfferRepository.records.get(ctx.db, id: record["offerId"]?.stringValue ?? "")
                let slots = offer["slots"]?.int64Value ?? 0
                let taken = try taken(ctx.db, offerID: offer["id"]?.stringValue ?? "")
                if taken >= slots {
                    var full = RPCError.capacityExceeded(capacity: slots, taken: taken, "all \(slots) slots of offer \(offer["id"]?.stringValue ?? "") are taken")
                    full.data["offerId"] = offer["id"] ?? .null
                    throw full
                }
            case "complete":
                var completion = JSONObject()
                for key in ["hours", "grade", "feedback", "competencies"] { completion[key] = params[key] }
                completion["completedAt"] = .string(ctx.now)
                record["completion"] = .object(completion)
            case "cancel", "terminate":
                record[verb == "cancel" ? "cancellation" : "termination"] = ["reason": params["reason"] ?? "", "at": .string(ctx.now)]
            default:
                break
            }
        })
    }

    public static let upsert = Upsert(table: records, mutableFields: mutableFields, immutable: ["studentId", "offerId"],
                                      create: { ctx, fields in try propose(ctx, fields: fields) },
                                      update: { ctx, id, patch, version in try update(ctx, id: id, patch: patch, expectedVersion: version) })

    /// An upsert keyed by externalRef; the student may be named by `studentRef`.
    public static func upsert(_ ctx: WriteContext, fields: JSONObject, expectedVersion: Int64?) throws -> (UpsertOutcome, JSONObject) {
        var resolved = fields
        resolved["studentId"] = .string(try studentID(ctx, fields))
        resolved["studentRef"] = nil
        return try upsert.run(ctx, fields: resolved, expectedVersion: expectedVersion)
    }

    /// Filters studentId, offerId, companyId, institutionId, status; scoped for institution and company tokens.
    public static func list(_ db: any SQLDatabase, params: JSONValue, onlyInstitution: String?, onlyCompany: String?) throws -> JSONValue {
        var clauses: [String] = [], args: [SQLValue] = []
        let f = params["filter"]?.objectValue ?? JSONObject()
        for (key, column) in [("studentId", "student_id"), ("offerId", "offer_id"), ("companyId", "company_id"), ("institutionId", "institution_id"), ("status", "status")] {
            if let value = f[key]?.stringValue { clauses.append("\(column) = ?"); args.append(.text(value)) }
        }
        if let onlyInstitution { clauses.append("institution_id = ?"); args.append(.text(onlyInstitution)) }
        if let onlyCompany { clauses.append("company_id = ?"); args.append(.text(onlyCompany)) }
        return try records.page(db, where: clauses, args, sortColumn: "starts_on", sortName: "startsOn", params: params)
    }
}
