import Storage

/// What an entity keeps beside its row and checks against other rows, run by `RecordTable` on every write
/// with the typed record: a company's uniqueness rules, facets, status counts and full-text entry.
public struct RecordHooks<Record>: Sendable {
    /// Runs before every insert and save with the record as it will be stored (a uniqueness check).
    public var check: @Sendable (_ db: any SQLDatabase, _ record: Record) throws -> Void
    /// Runs after the row is written, with its rowid, the new record and the record it replaced (nil on insert).
    public var index:
        @Sendable (_ db: any SQLDatabase, _ rowid: Int64, _ record: Record, _ previous: Record?) throws -> Void

    public init(
        check: @escaping @Sendable (any SQLDatabase, Record) throws -> Void = { _, _ in },
        index: @escaping @Sendable (any SQLDatabase, Int64, Record, Record?) throws -> Void = { _, _, _, _ in }
    ) {
        self.check = check
        self.index = index
    }
}
