import ExportDeskSchemas
import JSON
import Storage
import Support

/// Agreements between the programme and an institution (SPEC §6). The status is derived from the dates
/// when read — pending, active, expired — unless the agreement was terminated.
public enum AgreementRepository {
    public static let records = RecordTable<Records.Agreement>(
        table: "agreements", entity: "agreement", prefix: "ag",
        columns: [
            ("institution_id", { .text($0.institutionId) }),
            ("valid_from", { .text($0.validFrom) }),
            ("valid_to", { .text($0.validTo) }),
            (
                "ends_on",
                { .text(effectiveEnd(validTo: $0.validTo, terminationEffectiveOn: $0.termination?.effectiveOn)) }
            ),
            ("terminated", { .integer($0.termination == nil ? 0 : 1) }),
        ], typedView: { withStatus($0, today: WallClock.today) })
    static let mutableFields: Set<String> = ["number", "signedOn", "validFrom", "validTo", "quota", "externalRef"]

    static func checkPeriod(_ r: Records.Agreement, path: String) throws {
        try ExportDeskCore.checkPeriod(r.validFrom, r.validTo, from: "validFrom", to: "validTo", path: path)
    }

    /// The last day the agreement applies: validTo, or the day before a termination's effectiveOn.
    static func effectiveEnd(validTo to: String, terminationEffectiveOn: String?) -> String {
        guard let effective = terminationEffectiveOn else { return to }
        let dayBefore =
            Timestamps.millis(fromRFC3339: effective + "T00:00:00Z").map { WallClock.date($0 - 86_400_000) }
            ?? effective
        return min(to, dayBefore)
    }

    /// The status as of `today`: from the dates, unless terminated.
    static func status(_ a: Records.Agreement, today: String) -> Records.Agreement.Status {
        if let termination = a.termination, today >= termination.effectiveOn { return .terminated }
        if today < a.validFrom { return .pending }
        if today > effectiveEnd(validTo: a.validTo, terminationEffectiveOn: a.termination?.effectiveOn) {
            return a.termination != nil ? .terminated : .expired
        }
        return .active
    }

    /// The record with its status as of `today`. The status is derived, never stored, and the record's type
    /// needs one to decode: the stored record is read with a placeholder, replaced at once.
    public static func withStatus(_ stored: JSONObject, today: String) -> JSONObject {
        var record = stored
        record.recordStatus = Records.Agreement.Status.active.rawValue
        guard let agreement = try? JSONValueDecoder().decode(Records.Agreement.self, from: .object(record)) else {
            return stored
        }
        record.recordStatus = status(agreement, today: today).rawValue
        return record
    }

    public static func create(_ ctx: WriteContext, _ p: Params.AgreementsCreate) throws -> JSONValue {
        // NOT_FOUND for an unknown institution.
        _ = try InstitutionRepository.records.record(ctx.db, id: p.institutionId)
        var record: JSONObject = ["institutionId": .string(p.institutionId)]
        for (k, v) in TypedRecords.fields(of: p, mutableFields) { record[k] = v }
        let stored = try records.insert(ctx, record) { try checkPeriod($0, path: "") }
        return .object(withStatus(stored, today: ctx.today))
    }

    public static func update(
        _ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?
    ) throws -> JSONValue {
        let record = try records.update(
            ctx, id: id, patch: patch, mutableFields: mutableFields, expectedVersion: expectedVersion,
            before: { current in
                if current.termination != nil {
                    throw invalidTransition(entity: "agreement", from: "terminated", action: "update", allowed: [])
                }
            }, validate: { try checkPeriod($0, path: "/patch") })
        return .object(withStatus(record, today: ctx.today))
    }

    /// Ends the agreement from `effectiveOn` (the first day it no longer applies), with a reason.
    public static func terminate(
        _ ctx: WriteContext, id: String, reason: String, effectiveOn: String, expectedVersion: Int64?
    ) throws -> JSONValue {
        guard case (let rowid, var record)? = try records.load(ctx.db, id: id) else {
            throw DomainError.notFound(entity: "agreement", id: id)
        }
        if try records.typed(record).termination != nil {
            throw invalidTransition(entity: "agreement", from: "terminated", action: "terminate", allowed: [])
        }
        try Versions.check(record, expectedVersion: expectedVersion)
        record["termination"] = ["reason": .string(reason), "effectiveOn": .string(effectiveOn)]
        try records.save(ctx, rowid: rowid, &record, op: .deleted)
        return .object(withStatus(record, today: ctx.today))
    }

    public static func get(_ db: any SQLDatabase, id: String, today: String) throws -> JSONObject {
        withStatus(try records.get(db, id: id), today: today)
    }

    /// Filters institutionId and status (as of today, computed in SQL from the same dates).
    public static func list(
        _ db: any SQLDatabase, _ p: Params.AgreementsList, today: String, onlyInstitution: String?
    ) throws -> ListPage<Records.Agreement> {
        var f = ListFilter()
        f.equal("institution_id", p.filter?.institutionId)
        f.equal("institution_id", onlyInstitution)
        switch p.filter?.status {
        case .pending?: f.add("valid_from > ? AND NOT (terminated = 1 AND ends_on < ?)", [.text(today), .text(today)])
        case .active?: f.add("valid_from <= ? AND ends_on >= ?", [.text(today), .text(today)])
        case .expired?: f.add("terminated = 0 AND valid_to < ?", [.text(today)])
        case .terminated?: f.add("terminated = 1 AND ends_on < ?", [.text(today)])
        case nil: break
        }
        let page = try records.page(db, f, sortColumn: "valid_from", sortName: "validFrom", list: p)
        return page.mapItems { withStatus($0, today: today) }
    }
}
