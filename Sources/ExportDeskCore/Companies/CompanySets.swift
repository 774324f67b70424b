import Storage
import Support
import Synchronization

/// The rowid sets that `companies.list` reads for its dense filters (a facet value, a word, a status with
/// columns), kept in memory between lists until a company is written. Reading one costs a step per match
/// (15,000 facet rows at the 100× demo: 3–5 ms); a kept one is ANDed with another in microseconds.
///
/// A set is valid for one database and one company generation: `company_generation` (SQLite migration 16)
/// holds a random token made with the database and a counter every company write bumps in its own
/// transaction (`CompanyIndex.index`), so a list that reads the stamp in its snapshot finds only sets
/// read at that very state. Sets are never used inside a write transaction, whose state may roll back.
final class CompanySets: Sendable {
    /// The sets of every database this process serves.
    static let shared = CompanySets()

    /// Which database, at which company generation.
    struct Stamp: Hashable, Sendable {
        let database: String
        let generation: Int64
        /// The change log's last `seq` at this state: where a kept set's patch starts reading.
        var seq: Int64 = 0
    }

    private struct Key: Hashable {
        let database: String
        let source: String
    }

    private struct Entry {
        let stamp: Stamp
        let set: RowSet
        var used: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }

    /// At most this many bytes of sets are kept: each is one bit per rowid of its span (12 KB at the 100× demo).
    let byteBudget: Int
    private let state = Mutex(State())

    init(byteBudget: Int = 32 << 20) { self.byteBudget = byteBudget }

    /// The stamp of `db`'s snapshot; nil on PostgreSQL, whose lists keep their SQL plans.
    static func stamp(_ db: any SQLDatabase) throws -> Stamp? {
        guard db.dialect == .sqlite else { return nil }
        var stamp: Stamp?
        try db.query(
            "SELECT token || ':' || (SELECT file FROM pragma_database_list WHERE name = 'main'), n, (SELECT coalesce(max(seq), 0) FROM changes) FROM company_generation WHERE id = 1",
            []
        ) { row in stamp = Stamp(database: row.text(0) ?? "", generation: row.int64(1), seq: row.int64(2)) }
        return stamp
    }

    /// The set `source` read at `stamp`, if kept.
    func set(_ stamp: Stamp, _ source: String) -> RowSet? {
        state.withLock { state in
            let key = Key(database: stamp.database, source: source)
            guard var entry = state.entries[key], entry.stamp.generation == stamp.generation else { return nil }
            state.clock += 1
            entry.used = state.clock
            state.entries[key] = entry
            return entry.set
        }
    }

    /// The set `source` read at an older state of the same database, with that state, when at most
    /// `patchLimit` changes were logged since: `CompanyListQuery.patch` brings it up to date.
    func older(_ stamp: Stamp, _ source: String) -> (set: RowSet, stamp: Stamp)? {
        state.withLock { state in
            guard let entry = state.entries[Key(database: stamp.database, source: source)],
                entry.stamp.generation < stamp.generation, stamp.seq - entry.stamp.seq <= Self.patchLimit
            else { return nil }
            return (entry.set, entry.stamp)
        }
    }

    /// How many logged changes a kept set is patched across; past it, the set is read again.
    static let patchLimit: Int64 = 1000

    /// Keeps `set`, read by `source` at `stamp`, evicting the least recently used sets past the budget.
    func keep(_ set: RowSet, _ stamp: Stamp, _ source: String) {
        guard set.bytes.count <= byteBudget / 4 else { return }
        state.withLock { state in
            let key = Key(database: stamp.database, source: source)
            if let old = state.entries[key] {
                // A list still reading an older snapshot must not replace a newer set.
                guard old.stamp.generation < stamp.generation else { return }
                state.bytes -= old.set.bytes.count
            }
            state.clock += 1
            state.entries[key] = Entry(stamp: stamp, set: set, used: state.clock)
            state.bytes += set.bytes.count
            while state.bytes > byteBudget, let oldest = state.entries.min(by: { $0.value.used < $1.value.used }) {
                state.bytes -= oldest.value.set.bytes.count
                state.entries[oldest.key] = nil
            }
        }
    }

    /// A source's key: its SQL and arguments.
    static func source(_ sql: String, _ args: [SQLValue]) -> String {
        var key = sql
        for arg in args {
            key += "\u{1}"
            switch arg {
            case .null: key += "n"
            case .integer(let i): key += "i\(i)"
            case .real(let d): key += "r\(d)"
            case .text(let t): key += "t" + t
            case .blob(let b): key += "b" + b.map { String($0) }.joined(separator: ",")
            }
        }
        return key
    }
}

extension CompanyListQuery {
    /// A query whose rowids form a set `CompanySets` keeps, and how a patch asks the companies written since
    /// it was read whether they belong to it now.
    struct SetSource {
        let sql: String
        let args: [SQLValue]
        /// The rowids among those given that belong to the set in the list's snapshot.
        let recheck: (any SQLDatabase, [Int64]) throws -> [Int64]

        init(sql: String, args: [SQLValue], recheck: @escaping (any SQLDatabase, [Int64]) throws -> [Int64]) {
            (self.sql, self.args, self.recheck) = (sql, args, recheck)
        }

        /// A source rechecked in SQL: `restricted` is the same question asked only of the rowids bound to it.
        init(sql: String, args: [SQLValue], restricted: @escaping (SQLValue) -> (String, [SQLValue])) {
            self.init(sql: sql, args: args) { db, rowids in
                let (sql, args) = restricted(.jsonArray(rowids))
                return try db.integers(sql, args)
            }
        }
    }

    /// The rowids `source` returns in this list's snapshot as a set: kept from an earlier list at the same
    /// company generation, patched from one kept a few writes ago, or read and kept. Nil past
    /// `RowSetBitmap.maxSpan`.
    mutating func rowSet(_ db: any SQLDatabase, _ source: SetSource) throws -> RowSet? {
        let key = CompanySets.source(source.sql, source.args)
        if let stamp {
            if let set = CompanySets.shared.set(stamp, key) { return set }
            if let (old, from) = CompanySets.shared.older(stamp, key) {
                // A patch only saves reading the set: when it fails, the set is read whole below.
                do {
                    if let patched = try patch(db, old, from: from, source) {
                        CompanySets.shared.keep(patched, stamp, key)
                        return patched
                    }
                } catch {
                    Log.error("a kept company set was not patched, read whole instead: \(error)")
                }
            }
        }
        guard let set = RowSet(try db.integers(source.sql, source.args)) else { return nil }
        if let stamp { CompanySets.shared.keep(set, stamp, key) }
        return set
    }

    /// Whether `source`'s set is kept for this list's snapshot, or can be patched to it.
    func hasRowSet(_ source: SetSource) -> Bool {
        guard let stamp else { return false }
        let key = CompanySets.source(source.sql, source.args)
        return CompanySets.shared.set(stamp, key) != nil
            || CompanySets.shared.older(stamp, key) != nil
    }
}
