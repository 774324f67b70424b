/// A lifecycle as a table: verb → (state before → state after). One place per entity; a verb not allowed
/// is INVALID_TRANSITION naming the state and the verbs allowed in it.
public struct Lifecycle: Sendable {
    public let entity: String
    public let verbs: [String]
    public let transitions: [String: [String: String]]

    public func allowed(from state: String) -> [String] { verbs.filter { transitions[$0]?[state] != nil } }

    public func apply(_ verb: String, to state: String) throws -> String {
        guard let next = transitions[verb]?[state] else {
            throw invalidTransition(entity: entity, from: state, action: verb, allowed: allowed(from: state))
        }
        return next
    }

    /// Events: draft → open → closed → completed; draft/open/closed → cancelled. Updates while not finished.
    public static let event = Lifecycle(entity: "event", verbs: ["open", "close", "complete", "cancel", "update"], transitions: [
        "open": ["draft": "open"], "close": ["open": "closed"], "complete": ["closed": "completed"],
        "cancel": ["draft": "cancelled", "open": "cancelled", "closed": "cancelled"],
        "update": ["draft": "draft", "open": "open", "closed": "closed"],
    ])

    /// Participations: applied → approved | waitlisted | rejected; waitlisted → approved;
    /// applied/approved/waitlisted → withdrawn; approved → attended | no_show; an event's cancellation
    /// cancels the live ones.
    public static let participation = Lifecycle(entity: "participation",
                                                verbs: ["approve", "waitlist", "reject", "withdraw", "markAttendance", "recordResults"], transitions: [
        "approve": ["applied": "approved", "waitlisted": "approved"],
        "waitlist": ["applied": "waitlisted"],
        "reject": ["applied": "rejected"],
        "withdraw": ["applied": "withdrawn", "approved": "withdrawn", "waitlisted": "withdrawn"],
        "markAttendance": ["approved": "attended"],   // or no_show, decided by the verb's param
        "recordResults": ["attended": "attended"],
    ])

    public static let liveParticipations = ["applied", "approved", "waitlisted"]
}
