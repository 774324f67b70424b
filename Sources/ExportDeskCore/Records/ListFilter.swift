import ExportDeskSchemas
import JSON
import Storage

/// The WHERE clauses of a list, built from its typed filter: one equality per given value, the word index,
/// and the scope a partner's token adds.
public struct ListFilter {
    public private(set) var clauses: [String] = []
    public private(set) var args: [SQLValue] = []

    public init() {}

    public mutating func equal(_ column: String, _ value: String?) {
        if let value { add("\(column) = ?", [.text(value)]) }
    }

    public mutating func equal(_ column: String, _ value: Int64?) {
        if let value { add("\(column) = ?", [.integer(value)]) }
    }

    public mutating func equal<E: RawRepresentable>(_ column: String, _ value: E?) where E.RawValue == String {
        equal(column, value?.rawValue)
    }

    /// Whole words and word prefixes of `q` in the table's `text_key` (TextIndex).
    public mutating func words(_ q: String?) {
        if let q { TextIndex.clauses(q, into: &clauses, &args) }
    }

    public mutating func add(_ clause: String, _ values: [SQLValue] = []) {
        clauses.append(clause)
        args += values
    }
}

extension RecordTable {
    /// One page of the records `filter` selects (see `page(_:where:_:sortColumn:sortName:list:defaultDescending:)`).
    public func page(
        _ db: any SQLDatabase, _ filter: ListFilter, sortColumn: String, sortName: String,
        list: some ListParams, defaultDescending: Bool = false
    ) throws -> ListPage<Record> {
        try page(
            db, where: filter.clauses, filter.args, sortColumn: sortColumn, sortName: sortName, list: list,
            defaultDescending: defaultDescending)
    }
}
