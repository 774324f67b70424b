/// The lifecycles of events and participations (SPEC §5).
extension Lifecycle {
    /// Events: draft → open → closed → completed; draft/open/closed → cancelled. Updates while not finished.
    public static let event = Lifecycle(
        entity: "event", verbs: ["open", "close", "complete", "cancel", "update"],
        transitions: [
            "open": ["draft": "open"], "close": ["open": "closed"], "complete": ["closed": "completed"],
            "cancel": ["draft": "cancelled", "open": "cancelled", "closed": "cancelled"],
            "update": ["draft": "draft", "open": "open", "closed": "closed"],
        ])

    /// Participations: applied → approved | waitlisted | rejected; waitlisted → approved;
    /// applied/approved/waitlisted → withdrawn; approved → attended | no_show; an event's cancellation
    /// cancels the live ones.
    public static let participation = Lifecycle(
        entity: "participation",
        verbs: ["approve", "waitlist", "reject", "withdraw", "markAttendance", "recordResults"],
        internalVerbs: ["markNoShow", "promote", "cancelWithEvent"],
        transitions: [
            "approve": ["applied": "approved", "waitlisted": "approved"],
            "waitlist": ["applied": "waitlisted"],
            "reject": ["applied": "rejected"],
            "withdraw": ["applied": "withdrawn", "approved": "withdrawn", "waitlisted": "withdrawn"],
            "markAttendance": ["approved": "attended"],
            "markNoShow": ["approved": "no_show"],  // markAttendance {attended: false}
            "recordResults": ["attended": "attended"],
            // The server's own: the earliest waitlisted takes a freed place; a cancelled event cancels the live ones.
            "promote": ["waitlisted": "approved"],
            "cancelWithEvent": ["applied": "cancelled", "approved": "cancelled", "waitlisted": "cancelled"],
        ])

    public static let liveParticipations = ["applied", "approved", "waitlisted"]
}
