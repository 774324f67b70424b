import JSON

/// What a method answers: a generated `Results.*` struct, a stored record or a page of them. The server sends
/// its `serializedJSON` when it has one (a record as it was read, never parsed), its `json` otherwise.
public protocol MethodResult: Sendable, JSONReadable, JSONWritable {
    /// The answer as JSON text already, or nil when it is to be written from `json`.
    var serializedJSON: [UInt8]? { get }
}

extension MethodResult {
    public var serializedJSON: [UInt8]? { nil }
}

/// A stored record as a method's result: the record's type, carrying its JSON as it was read or written —
/// parsed, or the stored text itself, so that a get sends what it read without parsing and writing it again.
/// `record()` reads the typed record.
public struct Stored<Record: JSONReadable & Sendable>: MethodResult {
    private enum Form: Sendable {
        case parsed(JSONObject)
        case text([UInt8])
    }
    private var form: Form

    public init(_ object: JSONObject) { form = .parsed(object) }

    /// A stored record's JSON as a parser or a table gave it; anything but an object is a broken row.
    public init(_ value: JSONValue) {
        guard case .object(let object) = value else {
            preconditionFailure("a stored \(Record.self) is not a JSON object")
        }
        form = .parsed(object)
    }

    /// The record's stored text, as its table's row holds it (written by the server, so valid JSON).
    public init(serialized text: [UInt8]) { form = .text(text) }

    /// Kept whole: what a stored record holds is checked where it is written.
    public init(json: JSONValue) throws(JSONReadError) {
        guard case .object(let object) = json else { throw JSONReadError(expected: "an object") }
        form = .parsed(object)
    }

    /// The record's JSON object (parsed from its stored text on first need).
    public var object: JSONObject {
        switch form {
        case .parsed(let object): return object
        case .text(let text): return (try? JSONParser.parse(text))?.objectValue ?? JSONObject()
        }
    }

    public var json: JSONValue { .object(object) }

    public var serializedJSON: [UInt8]? {
        if case .text(let text) = form { return text }
        return nil
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

    /// A page of the records as their table's rows hold them (their stored text).
    public init(rows: [[UInt8]], nextCursor: String?, total: Int64?) {
        self.init(items: rows.map { Stored(serialized: $0) }, nextCursor: nextCursor, total: total)
    }

    /// The page with each record shown differently (a reduced student, an agreement with its status today).
    public func mapItems(_ transform: (JSONObject) -> JSONObject) -> ListPage {
        ListPage(items: items.map { Stored(transform($0.object)) }, nextCursor: nextCursor, total: total)
    }

    /// The page as the list methods answer it: `nextCursor` is null on the last page.
    public var json: JSONValue {
        var o = JSONObject(reservingCapacity: 3)
        o.appendNew("items", .array(items.map { $0.json }))
        o.appendNew("nextCursor", nextCursor.map(JSONValue.string) ?? .null)
        if let total { o.appendNew("total", .number(.int(total))) }
        return .object(o)
    }

    /// The page written around its records' stored text, when every record still has it.
    public var serializedJSON: [UInt8]? {
        var texts: [[UInt8]] = []
        texts.reserveCapacity(items.count)
        for item in items {
            guard let text = item.serializedJSON else { return nil }
            texts.append(text)
        }
        var w = JSONWriter(capacity: texts.reduce(64) { $0 + $1.count + 1 })
        w.writeRaw(Array(#"{"items":["#.utf8))
        for (i, text) in texts.enumerated() {
            if i > 0 { w.writeRaw([UInt8(ascii: ",")]) }
            w.writeRaw(text)
        }
        w.writeRaw(Array(#"],"nextCursor":"#.utf8))
        w.write(nextCursor.map(JSONValue.string) ?? .null)
        if let total {
            w.writeRaw(Array(#","total":"#.utf8))
            w.write(.number(.int(total)))
        }
        w.writeRaw([UInt8(ascii: "}")])
        return w.bytes
    }
}
