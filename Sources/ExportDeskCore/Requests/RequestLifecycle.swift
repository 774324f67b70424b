/// The lifecycle of a support request (SPEC §5):
/// new → assigned (curator set) → in_progress → resolved | rejected; resolved/rejected → in_progress (reopen).
/// `assign` on an assigned or in-progress request changes the curator and keeps the state.
extension Lifecycle {
    public static let request = Lifecycle(
        entity: "request", verbs: ["assign", "start", "resolve", "reject", "reopen"],
        transitions: [
            "assign": ["new": "assigned", "assigned": "assigned", "in_progress": "in_progress"],
            "start": ["assigned": "in_progress"],
            "resolve": ["in_progress": "resolved"],
            "reject": ["in_progress": "rejected"],
            "reopen": ["resolved": "in_progress", "rejected": "in_progress"],
        ])
}
