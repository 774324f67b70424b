import ExportDeskSchemas
import JSON
import Storage

/// Support requests (обращения) of companies, each with a curator from the staff (SPEC §5).
public enum RequestRepository {
    public static let records = RecordTable<Records.SupportRequest>(
        table: "requests", entity: "request", prefix: "rq",
        columns: [
            ("status", { .text($0.status.rawValue) }),
            ("service", { .text($0.service.rawValue) }),
            ("company_id", { .text($0.companyId) }),
            ("curator_id", { $0.curatorId.sqlValue }),
            ("text_key", { .text(TextIndex.words([$0.subject, $0.description])) }),
        ])

    /// Lower-cased words of the subject and description, each preceded by a space, so `LIKE '% term%'`
    /// matches whole words and word prefixes and folds Cyrillic case as well as Latin.

    public static func submit(_ ctx: WriteContext, _ p: Params.RequestsSubmit) throws -> JSONValue {
        _ = try CompanyRepository.records.record(ctx.db, id: p.companyId)
        var record = TypedRecords.fields(
            of: p, ["companyId", "service", "channel", "subject", "description", "externalRef"])
        record.recordStatus = Records.SupportRequest.Status.new.rawValue
        record["comments"] = []
        return .object(try records.insert(ctx, record))
    }

    /// A lifecycle verb (through `Lifecycle.request`) with its changes to the typed request, checking
    /// `expectedVersion`.
    public static func transition(
        _ ctx: WriteContext, verb: String, id: String, expectedVersion: Int64?,
        change: @escaping (inout Records.SupportRequest) throws -> Void = { _ in }
    ) throws -> JSONValue {
        .object(
            try records.transition(
                ctx, id: id, verb: verb, lifecycle: Lifecycle.request, expectedVersion: expectedVersion, change: change)
        )
    }

    public static func assign(
        _ ctx: WriteContext, id: String, curatorID: String, expectedVersion: Int64?
    ) throws -> JSONValue {
        let curator = try StaffRepository.records.record(ctx.db, id: curatorID)
        guard curator.active else {
            throw DomainError.ruleViolation(
                .curatorInactive, "staff member \(curatorID) is deactivated and cannot take requests",
                ["curatorId": .string(curatorID)])
        }
        return try transition(ctx, verb: "assign", id: id, expectedVersion: expectedVersion) {
            $0.curatorId = curatorID
        }
    }

    public static func comment(
        _ ctx: WriteContext, id: String, authorID: String, text: String, expectedVersion: Int64?
    ) throws -> JSONValue {
        _ = try StaffRepository.records.get(ctx.db, id: authorID)
        guard case (let rowid, var record)? = try records.load(ctx.db, id: id) else {
            throw DomainError.notFound(entity: "request", id: id)
        }
        try Versions.check(record, expectedVersion: expectedVersion)
        try TypedRecords.edit(&record, as: Records.SupportRequest.self) {
            $0.comments.append(.init(at: ctx.now, authorId: authorID, text: text))
        }
        try records.save(ctx, rowid: rowid, &record)
        return .object(record)
    }

    /// Newest first by default; filters status, service, curatorId, companyId, q; keyset pagination.
    public static func list(
        _ db: any SQLDatabase, _ p: Params.RequestsList, onlyCompany: String? = nil
    ) throws -> ListPage<Records.SupportRequest> {
        var f = ListFilter()
        f.equal("status", p.filter?.status)
        f.equal("service", p.filter?.service)
        f.equal("curator_id", p.filter?.curatorId)
        f.equal("company_id", p.filter?.companyId)
        f.equal("company_id", onlyCompany)
        f.words(p.filter?.q)
        return try records.page(
            db, f, sortColumn: "created_at", sortName: "createdAt", list: p, defaultDescending: true)
    }
}
