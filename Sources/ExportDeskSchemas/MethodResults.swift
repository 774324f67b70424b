import JSON

/// What a method answers: a generated `Results.*` struct, a stored record or a page of them. The server sends
/// its `json`.
public protocol MethodResult: Sendable, JSONReadable, JSONWritable {}

/// A stored record as a method's result: the record's type, carrying the JSON it was read or written as, so
/// that a get sends what it read without decoding and re-encoding it. `record()` reads the typed record.
public struct Stored<Record: JSONReadable & Sendable>: MethodResult {
    public var object: JSONObject

    public init(_ object: JSONObject) { self.object = object }

    /// A stored record's JSON as a parser or a table gave it; anything but an object is a broken row.
    public init(_ value: JSONValue) {
        guard case .object(let object) = value else {
            preconditionFailure("a stored \(Record.self) is not a JSON object")
        }
        self.object = object
    }

    public var json: JSONValue { .object(object) }

    /// Kept whole: what a stored record holds is checked where it is written.
    public init(json: JSONValue) throws(JSONReadError) {
        guard case .object(let object) = json else { throw JSONReadError(expected: "an object") }
        self.object = object
    }

    public func record() throws(JSONReadError) -> Record { try Record(json: .object(object)) }
}

/// One page of a list (SPEC §4): its records, the cursor of the next page (nil on the last) and the total when
/// it was asked for.
public struct ListPage<Record: JSONReadable & Sendable>: MethodResult {
    public var items: [Stored<Record>]
    public var nextCursor: String?
    public var total: Int64?

    public init(items: [Stored<Record>], nextCursor: String?, total: Int64?) {
        self.items = items
        self.nextCursor = nextCursor
        self.total = total
    }

    public init(json: JSONValue) throws(JSONReadError) {
        guard case .object(let o) = json else { throw JSONReadError(expected: "an object") }
        items = try o.required("items")
        nextCursor = try o.optional("nextCursor")
        total = try o.optional("total")
    }

    /// A page of the records as their table's rows parsed them.
    public init(rows: [JSONValue], nextCursor: String?, total: Int64?) {
        self.init(items: rows.map { Stored($0) }, nextCursor: nextCursor, total: total)
    }

    /// The page with each record shown differently (a reduced student, an agreement with its status today).
    public func mapItems(_ transform: (JSONObject) -> JSONObject) -> ListPage {
        ListPage(items: items.map { Stored(transform($0.object)) }, nextCursor: nextCursor, total: total)
    }

    /// The page as the list methods answer it: `nextCursor` is null on the last page.
    public var json: JSONValue {
        .object(
            JSONObject(distinct: [
                ("items", .array(items.map { $0.json })), ("nextCursor", nextCursor.map(JSONValue.string) ?? .null),
                ("total", total.map { .number(.int($0)) }),
            ]))
    }
}
