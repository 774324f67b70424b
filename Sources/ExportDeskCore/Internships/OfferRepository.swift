import ExportDeskSchemas
import JSON
import Storage

/// A host company's internship places (SPEC §6): draft → open ⇄ closed. Slots are taken by confirmed and
/// active placements; the offer's period bounds its placements'.
public enum OfferRepository {
    public static let records = RecordTable<Records.Offer>(
        table: "offers", entity: "offer", prefix: "of",
        synced: [
            ("status", { .text($0.status.rawValue) }),
            ("company_id", { .text($0.companyId) }),
            ("starts_on", { .text($0.startsOn) }),
            ("ends_on", { .text($0.endsOn) }),
            (
                "text_key",
                {
                    .text(
                        TextIndex.words(
                            [$0.title, $0.description, $0.location] + ($0.specialties ?? []).map(Optional.some)))
                }
            ),
            ("specialties_key", { .text("|" + ($0.specialties ?? []).joined(separator: "|") + "|") }),
        ])
    public static let lifecycle = Lifecycle(
        entity: "offer", verbs: ["open", "close"],
        transitions: [
            "open": ["draft": "open", "closed": "open"], "close": ["open": "closed"],
        ])
    static let mutableFields: Set<String> = [
        "title", "specialties", "description", "location", "startsOn", "endsOn", "slots", "mentor", "externalRef",
    ]

    public static func create(_ ctx: WriteContext, _ p: Params.OffersCreate) throws -> JSONValue {
        guard let companyID = p.companyId ?? ctx.principal?.companyID else {
            throw DomainError.invalidParams(
                path: "/companyId", keyword: "required", "is required (only a company token may leave it out)")
        }
        try ctx.requireScope(companyID: companyID, entity: "company", id: companyID)
        if try CompanyRepository.records.record(ctx.db, id: companyID).status == .archived {
            throw DomainError.ruleViolation(
                .companyArchived, "company \(companyID) is archived and offers no internships",
                ["companyId": .string(companyID)])
        }
        var record: JSONObject = ["companyId": .string(companyID)]
        for (k, v) in TypedRecords.fields(of: p, mutableFields) { record[k] = v }
        record.recordStatus = Records.Offer.Status.draft.rawValue
        return .object(
            try records.insert(ctx, record) { offer in
                try checkPeriod(offer.startsOn, offer.endsOn, path: "")
                try records.checkExternalRef(ctx.db, offer.externalRef, id: offer.id)
            })
    }

    /// Slots cannot drop below the confirmed and active placements, and the period must still hold every
    /// live placement.
    public static func update(
        _ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?
    ) throws -> JSONValue {
        .object(
            try records.update(
                ctx, id: id, patch: patch, mutableFields: mutableFields, expectedVersion: expectedVersion,
                before: { current in
                    try ctx.requireScope(companyID: current.companyId, entity: "offer", id: id)
                },
                validate: { offer in
                    try checkPeriod(offer.startsOn, offer.endsOn, path: "/patch")
                    try records.checkExternalRef(ctx.db, offer.externalRef, id: id)
                    let slots = offer.slots
                    let taken = try PlacementRepository.taken(ctx.db, offerID: id)
                    if slots < taken {
                        throw DomainError.ruleViolation(
                            .capacityBelowTaken,
                            "slots \(slots) is below the \(taken) confirmed and active placements",
                            ["capacity": .number(.int(slots)), "taken": .number(.int(taken))])
                    }
                    let (start, end) = (offer.startsOn, offer.endsOn)
                    try ctx.db.query(
                        "SELECT id, starts_on, ends_on FROM placements WHERE offer_id = ? AND status IN ('proposed', 'confirmed', 'active') AND (starts_on < ? OR ends_on > ?) LIMIT 1",
                        [.text(id), .text(start), .text(end)]
                    ) { s in
                        throw DomainError.ruleViolation(
                            .periodOutsideOffer,
                            "placement \(s.text(0) ?? "") (\(s.text(1) ?? "")..\(s.text(2) ?? "")) would lie outside the offer's period \(start)..\(end)",
                            [
                                "placementId": .string(s.text(0) ?? ""), "offerStartsOn": .string(start),
                                "offerEndsOn": .string(end),
                            ])
                    }
                }))
    }

    public static func transition(
        _ ctx: WriteContext, verb: String, id: String, expectedVersion: Int64?
    ) throws -> JSONValue {
        .object(
            try records.transition(
                ctx, id: id, verb: verb, lifecycle: lifecycle, expectedVersion: expectedVersion,
                before: { record in
                    try ctx.requireScope(companyID: record.companyId, entity: "offer", id: id)
                }))
    }

    /// Filters companyId, status, specialty, q; `onlyCompany` for a company token, `onlyOpen` for an
    /// institution token (which sees open offers only).
    public static func list(
        _ db: any SQLDatabase, _ p: Params.OffersList, onlyCompany: String?, onlyOpen: Bool
    ) throws -> ListPage<Records.Offer> {
        var f = ListFilter()
        f.equal("company_id", p.filter?.companyId)
        f.equal("company_id", onlyCompany)
        f.equal("status", p.filter?.status)
        if onlyOpen { f.add("status = 'open'") }
        if let specialty = p.filter?.specialty {
            f.add(db.dialect.contains("specialties_key", "?"), [.text("|" + specialty + "|")])
        }
        f.words(p.filter?.q)
        return try records.page(db, f, sortColumn: "starts_on", sortName: "startsOn", list: p)
    }
}

/// Synced by partners (SPEC §7): its table carries ext_system/ext_id.
extension Records.Offer: SyncedRecord {}
