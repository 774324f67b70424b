/// The lifecycle of a support request (SPEC §5), in one place:
/// new → assigned (curator set) → in_progress → resolved | rejected; resolved/rejected → in_progress (reopen).
/// `assign` on an assigned or in-progress request changes the curator and keeps the state.
public enum RequestLifecycle {
    public static let states = ["new", "assigned", "in_progress", "resolved", "rejected"]

    /// verb → (state before → state after)
    public static let transitions: [String: [String: String]] = [
        "assign": ["new": "assigned", "assigned": "assigned", "in_progress": "in_progress"],
        "start": ["assigned": "in_progress"],
        "resolve": ["in_progress": "resolved"],
        "reject": ["in_progress": "rejected"],
        "reopen": ["resolved": "in_progress", "rejected": "in_progress"],
    ]

    /// The verbs allowed in `state`, in a stable order.
    public static func allowed(from state: String) -> [String] {
        ["assign", "start", "resolve", "reject", "reopen"].filter { transitions[$0]?[state] != nil }
    }

    /// The state after `verb`, or INVALID_TRANSITION naming the state and the allowed verbs.
    public static func apply(_ verb: String, to state: String) throws -> String {
        guard let next = transitions[verb]?[state] else {
            throw invalidTransition(entity: "request", from: state, action: verb, allowed: allowed(from: state))
        }
        return next
    }
}
