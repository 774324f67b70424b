/// A company's lifecycle (SPEC §5): active ⇄ archived. Archiving frees its INN for another active company.
extension Lifecycle {
    public static let company = Lifecycle(
        entity: "company", verbs: ["archive", "restore"],
        transitions: [
            "archive": ["active": "archived"], "restore": ["archived": "active"],
        ])
}
