import ExportDeskSchemas
import JSON
import Storage

/// SPEC §8 in one place: what a caller may see or touch, and which fields of it. Gets, lists, writes,
/// history, reports, `changes.list` and subscriptions all ask this type; a record outside the caller's
/// scope does not exist for it (NOT_FOUND, never FORBIDDEN).
public struct AccessPolicy: Sendable {
    /// The caller; nil for an unauthenticated session, which sees no change feed.
    public let principal: Principal?

    public init(_ principal: Principal?) { self.principal = principal }

    /// For a company token, its company: lists and reports are restricted to it. Nil for everyone else.
    public var companyScope: String? { principal?.role == .company ? (principal?.companyID ?? "") : nil }
    /// For an institution token, its institution. Nil for everyone else.
    public var institutionScope: String? { principal?.role == .institution ? (principal?.institutionID ?? "") : nil }
    /// Staff and admin see the whole programme, and who made each change.
    public var showsActors: Bool { principal?.seesEverything ?? false }

    /// NOT_FOUND unless a record bound to `companyID` / `institutionID` is within the caller's scope.
    /// Only the bindings a record has are given (an offer has a company, a student an institution).
    public func require(companyID: String? = nil, institutionID: String? = nil, entity: String, id: String) throws {
        if let scope = companyScope, scope != companyID { throw DomainError.notFound(entity: entity, id: id) }
        if let scope = institutionScope, scope != institutionID { throw DomainError.notFound(entity: entity, id: id) }
    }

    /// An offer an institution token may see: published ones (open, and closed so that a partner learns that
    /// an offer it saw was closed); in a get, open only.
    public func mayRead(offerStatus status: String, inFeed: Bool) -> Bool {
        guard institutionScope != nil else { return true }
        return inFeed ? ["open", "closed"].contains(status) : status == "open"
    }

    /// A student as the caller may see it: a host company knows only name, specialty and institution.
    public func present(student record: JSONObject) -> JSONObject {
        companyScope != nil ? StudentRepository.reducedForCompany(record) : record
    }

    /// A change-log entry as the caller may see it: without its actor for partners and viewers.
    public func present(change: Records.ChangeEntry) -> Records.ChangeEntry {
        var shown = change
        if !showsActors { shown.actor = nil }
        return shown
    }

    /// Whether a change to `entity` `id` is the caller's to see (changes.list and subscriptions). The record's
    /// scope is read from its indexed column, once per change.
    public func sees(
        entity: String, id: String, _ db: any SQLDatabase, field: (String) throws -> String?
    ) throws -> Bool {
        guard let principal else { return false }
        switch principal.role {
        case .admin: return true
        case .staff, .viewer: return entity != "token"
        case .institution:
            guard let own = principal.institutionID else { return false }
            switch entity {
            case "event": return true
            case "institution": return id == own
            case "agreement", "student", "placement": return try field("institution_id") == own
            case "offer": return mayRead(offerStatus: try field("status") ?? "", inFeed: true)
            default: return false
            }
        case .company:
            guard let own = principal.companyID else { return false }
            switch entity {
            case "event": return true
            case "company": return id == own
            case "request", "participation", "strategy", "offer", "placement": return try field("company_id") == own
            case "student": return try StudentRepository.isPlaced(db, studentID: id, atCompany: own)
            default: return false
            }
        }
    }
}
