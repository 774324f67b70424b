import JSON
import Storage
import Support

/// What a write knows while it runs inside the writer's transaction: the connection, who asked, the method
/// that caused it, and one timestamp for the whole change.
public struct WriteContext {
    public let db: any SQLDatabase
    public let actor: String
    public let action: String
    public let now: String
    public let nowMillis: Int64
    /// Who asks, when a write must respect a company or institution token's scope; nil in the server's own
    /// writes (demo, import) and for callers that see everything.
    public let principal: Principal?
    /// Checks an update's merged fields against the contract (the server's schemas): `(patch, patched)`.
    /// Set by the server for `X.update`; nil elsewhere.
    public var checkPatch: ((JSONObject, JSONObject) throws -> Void)?

    public init(
        db: any SQLDatabase, actor: String, action: String, nowMillis: Int64 = WallClock.nowMillis,
        principal: Principal? = nil
    ) {
        self.db = db
        self.actor = actor
        self.action = action
        self.principal = principal
        self.nowMillis = nowMillis
        self.now = WallClock.rfc3339(nowMillis)
    }
}

extension WriteContext {
    /// Applies an `X.update` merge patch (RFC 7386) to a record's mutable fields and checks the merged
    /// result: a patch may give an object field in part, and the merged value is what must be valid.
    public func merge(_ patch: JSONObject, into fields: JSONObject) throws -> JSONObject {
        let patched = MergePatch.apply(.object(patch), to: .object(fields)).objectValue ?? JSONObject()
        try checkPatch?(patch, patched)
        return patched
    }

    /// The day of `now`, for rules on dates.
    public var today: String { WallClock.date(nowMillis) }

    /// A record bound to another institution or company than the caller's token is NOT_FOUND to it (SPEC §8).
    public func requireScope(institutionID: String? = nil, companyID: String? = nil, entity: String, id: String) throws
    {
        try AccessPolicy(principal).require(companyID: companyID, institutionID: institutionID, entity: entity, id: id)
    }

    /// The same context for another method (a step of rpc.atomic or sync.push).
    public func acting(as action: String) -> WriteContext {
        WriteContext(db: db, actor: actor, action: action, nowMillis: nowMillis, principal: principal)
    }
}

/// The issue (SPEC §11: -32602 like a schema violation) when a period's last day (field `end`) is before its
/// first (field `start`); nil when the period is in order.
public func periodIssue(
    _ first: String, _ last: String, from start: String = "startsOn", to end: String = "endsOn", path: String
) -> ParamIssue? {
    guard last < first else { return nil }
    return ParamIssue(
        instancePath: path + "/" + end, keyword: "consistency", message: "must not be before \(start) (\(first))")
}

/// Throws the period's issue, if any.
public func checkPeriod(
    _ first: String, _ last: String, from start: String = "startsOn", to end: String = "endsOn", path: String
) throws {
    if let issue = periodIssue(first, last, from: start, to: end, path: path) {
        throw DomainError.invalidParams([issue])
    }
}
