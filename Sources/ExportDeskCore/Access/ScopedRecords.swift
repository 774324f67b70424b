import ExportDeskSchemas
import JSON
import Storage

/// A record that belongs to a company or an institution: what SPEC §8 scopes a partner's token by.
public protocol ScopedRecord {
    var scopeCompanyID: String? { get }
    var scopeInstitutionID: String? { get }
}

extension Records.Offer: ScopedRecord {
    public var scopeCompanyID: String? { companyId }
    public var scopeInstitutionID: String? { nil }
}

extension Records.Placement: ScopedRecord {
    public var scopeCompanyID: String? { companyId }
    public var scopeInstitutionID: String? { institutionId }
}

extension Records.Agreement: ScopedRecord {
    public var scopeCompanyID: String? { nil }
    public var scopeInstitutionID: String? { institutionId }
}

extension Records.Participation: ScopedRecord {
    public var scopeCompanyID: String? { companyId }
    public var scopeInstitutionID: String? { nil }
}

extension Records.Student: ScopedRecord {
    public var scopeCompanyID: String? { nil }
    public var scopeInstitutionID: String? { institutionId }
}

extension Records.SupportRequest: ScopedRecord {
    public var scopeCompanyID: String? { companyId }
    public var scopeInstitutionID: String? { nil }
}

extension Records.Strategy: ScopedRecord {
    public var scopeCompanyID: String? { companyId }
    public var scopeInstitutionID: String? { nil }
}

extension RecordTable where Record: ScopedRecord {
    /// The record as it reads (with what its type derives, an agreement's status) and as its type, or
    /// NOT_FOUND: also when it belongs to another company or institution than the caller's token (SPEC §8),
    /// so that a partner cannot learn that it exists.
    public func visible(
        _ db: any SQLDatabase, id: String, to policy: AccessPolicy
    ) throws -> (json: JSONObject, record: Record) {
        let json = typedView(try get(db, id: id))
        let record = try TypedRecords.decode(Record.self, json)
        try policy.require(
            companyID: record.scopeCompanyID, institutionID: record.scopeInstitutionID, entity: entity, id: id)
        return (json, record)
    }
}
