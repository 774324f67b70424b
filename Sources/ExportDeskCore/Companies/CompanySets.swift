import Storage
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
    }

    private struct Key: Hashable {
        let database: String
        let source: String
    }

    private struct Entry {
        let generation: Int64
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
            "SELECT token || ':' || (SELECT file FROM pragma_database_list WHERE name = 'main'), n FROM company_generation WHERE id = 1",
            []
        ) { row in stamp = Stamp(database: row.text(0) ?? "", generation: row.int64(1)) }
        return stamp
    }

    /// The set `source` read at `stamp`, if kept.
    func set(_ stamp: Stamp, _ source: String) -> RowSet? {
        state.withLock { state in
            let key = Key(database: stamp.database, source: source)
            guard var entry = state.entries[key], entry.generation == stamp.generation else { return nil }
            state.clock += 1
            entry.used = state.clock
            state.entries[key] = entry
            return entry.set
        }
    }

    /// Keeps `set`, read by `source` at `stamp`, evicting the least recently used sets past the budget.
    func keep(_ set: RowSet, _ stamp: Stamp, _ source: String) {
        guard set.bytes.count <= byteBudget / 4 else { return }
        state.withLock { state in
            let key = Key(database: stamp.database, source: source)
            if let old = state.entries[key] {
                // A list still reading an older snapshot must not replace a newer set.
                guard old.generation < stamp.generation else { return }
                state.bytes -= old.set.bytes.count
            }
            state.clock += 1
            state.entries[key] = Entry(generation: stamp.generation, set: set, used: state.clock)
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
    /// The rowids `sql` returns in this list's snapshot as a set: kept from an earlier list at the same
    /// company generation, or read and kept. Nil past `RowSetBitmap.maxSpan`.
    mutating func rowSet(_ db: any SQLDatabase, _ sql: String, _ args: [SQLValue]) throws -> RowSet? {
        let source = CompanySets.source(sql, args)
        if let stamp, let set = CompanySets.shared.set(stamp, source) { return set }
        guard let set = RowSet(try db.integers(sql, args)) else { return nil }
        if let stamp { CompanySets.shared.keep(set, stamp, source) }
        return set
    }

    /// Whether the set `sql` returns is kept for this list's snapshot.
    func hasRowSet(_ sql: String, _ args: [SQLValue]) -> Bool {
        guard let stamp else { return false }
        return CompanySets.shared.set(stamp, CompanySets.source(sql, args)) != nil
    }
}
