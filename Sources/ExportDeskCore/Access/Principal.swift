/// The roles of SPEC §8.
public enum Role: String, Sendable, CaseIterable, Codable {
    case admin, staff, viewer, institution, company
}

/// Who is calling on a connection: a role, what it is bound to, and the actor name the change log records.
///
/// A class: every request reads its connection's principal back (`RequestContext`), and a struct of four
/// strings would be unboxed from the session's `any Sendable` and copied, string by string, each time.
public final class Principal: Sendable, Equatable {
    public let role: Role
    public let tokenID: String?
    public let institutionID: String?
    public let companyID: String?
    /// Recorded as the actor of changes: the token id, or `local:uid:N` / `local:stdio` for the owner.
    public let actor: String

    public init(
        role: Role, tokenID: String? = nil, institutionID: String? = nil, companyID: String? = nil, actor: String
    ) {
        self.role = role
        self.tokenID = tokenID
        self.institutionID = institutionID
        self.companyID = companyID
        self.actor = actor
    }

    public static func == (a: Principal, b: Principal) -> Bool {
        a.role == b.role && a.tokenID == b.tokenID && a.institutionID == b.institutionID
            && a.companyID == b.companyID && a.actor == b.actor
    }

    /// Staff and admin see the whole programme (and the actors in change logs).
    public var seesEverything: Bool { role == .admin || role == .staff }
}
