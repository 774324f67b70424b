import JSON
import Support

/// The catalogue of what the domain refuses (SPEC §2's application errors and its params errors): each kind
/// with its code and reason, each with the data a client needs to fix it. The server sends it as a JSON-RPC
/// error unchanged (`DomainError(domain:)`); these are the only numeric codes outside the JSON-RPC layer.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of error, each with its wire code.
    public enum Kind: Int, Sendable {
        case invalidParams = -32602
        case internalError = -32603
        case notFound = 1001
        case versionConflict = 1002
        case duplicate = 1003
        case invalidTransition = 1004
        case capacityExceeded = 1005
        case ruleViolation = 1006

        /// The name in `data.reason`.
        public var reason: String {
            switch self {
            case .invalidParams: return "INVALID_PARAMS"
            case .internalError: return "INTERNAL"
            case .notFound: return "NOT_FOUND"
            case .versionConflict: return "VERSION_CONFLICT"
            case .duplicate: return "DUPLICATE"
            case .invalidTransition: return "INVALID_TRANSITION"
            case .capacityExceeded: return "CAPACITY_EXCEEDED"
            case .ruleViolation: return "RULE_VIOLATION"
            }
        }
    }

    /// The business rules of SPEC §5 and §6 that a RULE_VIOLATION names in `data.rule`.
    public enum Rule: String, Sendable {
        case capacityBelowTaken = "CAPACITY_BELOW_TAKEN"
        case companyArchived = "COMPANY_ARCHIVED"
        case curatorInactive = "CURATOR_INACTIVE"
        case deadlinePassed = "DEADLINE_PASSED"
        case institutionArchived = "INSTITUTION_ARCHIVED"
        case noActiveAgreement = "NO_ACTIVE_AGREEMENT"
        case offerNotOpen = "OFFER_NOT_OPEN"
        case periodOutsideOffer = "PERIOD_OUTSIDE_OFFER"
        case periodOverlap = "PERIOD_OVERLAP"
    }

    public let kind: Kind
    public let message: String
    /// What the client needs to fix it (without `reason`, which the kind gives).
    public var data: JSONObject

    public init(_ kind: Kind, _ message: String, data: JSONObject = [:]) {
        self.kind = kind
        self.message = message
        self.data = data
    }

    public var code: Int { kind.rawValue }
    public var reason: String { kind.reason }
    public var description: String { "\(code) \(reason): \(message)" }

    public static func invalidParams(_ issues: [ParamIssue]) -> DomainError {
        DomainError(.invalidParams, ParamIssue.summary(issues), data: ["errors": .array(issues.map(\.json))])
    }

    public static func invalidParams(path: String, keyword: String, _ message: String) -> DomainError {
        invalidParams([ParamIssue(instancePath: path, keyword: keyword, message: message)])
    }

    /// A bug, logged where it happened; the client learns only that the log has the details.
    public static let internalError = DomainError(.internalError, "Internal error; the server log has the details")

    public static func notFound(entity: String, id: String) -> DomainError {
        DomainError(.notFound, "No \(entity) with id \(id)", data: ["entity": .string(entity), "id": .string(id)])
    }

    /// `expectedVersion` differs from the record's version (which `data.currentVersion` names).
    public static func versionConflict(current: Int64, _ message: String) -> DomainError {
        DomainError(.versionConflict, message, data: ["currentVersion": .number(.int(current))])
    }

    /// A unique key is taken: the field, and the record that holds it when known.
    public static func duplicate(field: String, existingId: String?, _ message: String) -> DomainError {
        DomainError(
            .duplicate, message,
            data: JSONObject(optional: [("field", .string(field)), ("existingId", existingId.map(JSONValue.string))]))
    }

    /// A verb the record's state does not allow: the state, the verb, and the verbs allowed now.
    public static func invalidTransition(
        from: String, action: String, allowed: [String], _ message: String
    ) -> DomainError {
        DomainError(
            .invalidTransition, message,
            data: ["from": .string(from), "action": .string(action), "allowed": .array(allowed.map { .string($0) })])
    }

    /// An event or offer is full; `offerId` names the offer.
    public static func capacityExceeded(
        capacity: Int64, taken: Int64, offerId: String? = nil, _ message: String
    ) -> DomainError {
        DomainError(
            .capacityExceeded, message,
            data: JSONObject(optional: [
                ("capacity", .number(.int(capacity))), ("taken", .number(.int(taken))),
                ("offerId", offerId.map(JSONValue.string)),
            ]))
    }

    /// A business rule, with what a client needs to fix it.
    public static func ruleViolation(_ rule: Rule, _ message: String, _ data: JSONObject = [:]) -> DomainError {
        DomainError(.ruleViolation, message, data: JSONObject(Array(data) + [("rule", .string(rule.rawValue))]))
    }
}
