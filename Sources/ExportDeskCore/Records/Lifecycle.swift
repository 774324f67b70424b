/// A lifecycle as a table: verb → (state before → state after). One place per entity; a verb not allowed
/// is INVALID_TRANSITION naming the state and the verbs allowed in it.
///
/// Every state change of every entity goes through one of these tables, the server's own changes included
/// (a waitlisted participation promoted, the participations of a cancelled event): those are internal
/// verbs, which a client cannot call and which INVALID_TRANSITION never offers.
public struct Lifecycle: Sendable {
    public let entity: String
    /// The verbs clients call, in the order `allowed` lists them.
    public let verbs: [String]
    public let transitions: [String: [String: String]]

    public init(entity: String, verbs: [String], internalVerbs: [String] = [], transitions: [String: [String: String]])
    {
        self.entity = entity
        self.verbs = verbs
        self.transitions = transitions
        precondition(
            Set(transitions.keys) == Set(verbs + internalVerbs), "the \(entity) lifecycle lists every verb once")
    }

    public func allowed(from state: String) -> [String] { verbs.filter { transitions[$0]?[state] != nil } }

    public func apply(_ verb: String, to state: String) throws -> String {
        guard let next = transitions[verb]?[state] else {
            throw invalidTransition(entity: entity, from: state, action: verb, allowed: allowed(from: state))
        }
        return next
    }
}
