import Storage

/// Bringing a kept set up to date across a few company writes, so that lists stay fast while companies are
/// being written: only the companies the change log names since the set was read are asked again.
extension CompanyListQuery {
    /// `set`, read by `source` at `old`, as of this list's snapshot; nil when the change log does not account
    /// for every company write since (the generation moved by a different count), and the set must be read.
    func patch(
        _ db: any SQLDatabase, _ set: RowSet, from old: CompanySets.Stamp, _ source: SetSource
    ) throws
        -> RowSet?
    {
        guard let stamp, stamp.generation > old.generation else { return nil }
        var writes: Int64 = 0
        var changed = Set<Int64>()
        try db.query(
            "SELECT c.rowid FROM changes ch JOIN companies c ON c.id = ch.entity_id WHERE ch.seq > ? AND ch.seq <= ? AND ch.entity = 'company'",
            [.integer(old.seq), .integer(stamp.seq)]
        ) { row in
            writes += 1
            changed.insert(row.int64(0))
        }
        // Every company write moves the generation once and logs one change in the same transaction.
        guard writes == stamp.generation - old.generation else { return nil }
        let members = try source.recheck(db, Array(changed))
        return set.updated(removing: changed, inserting: members)
    }
}
