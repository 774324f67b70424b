import Foundation
import JSON
import JSONRPC
import SQLiteStore

/// `companies.list` params as SQL: filters, a whitelisted sort, keyset pagination.
public struct CompanyListQuery: Sendable {
    public var status = "active"
    public var size: String?
    public var exportStatus: String?
    public var targetMarket: String?
    public var okvedPrefix: String?
    public var hsPrefix: String?
    public var tag: String?
    public var q: String?
    public var updatedSince: String?
    public var sortField = "createdAt"
    public var descending = false
    public var limit = 50
    public var cursor: Cursor?
    public var includeTotal = false
    /// Restricts the list to one company (what a company's own token may see).
    public var onlyID: String?

    public static let sortColumns = ["createdAt": "created_at", "updatedAt": "updated_at", "name": "name_key"]

    /// The position after the last row of a page: the sort value and id of that row.
    public struct Cursor: Sendable {
        public var sort: String
        public var value: String
        public var id: String

        public init(sort: String, value: String, id: String) {
            self.sort = sort
            self.value = value
            self.id = id
        }

        public var encoded: String {
            let json: JSONValue = ["s": .string(sort), "v": .string(value), "id": .string(id)]
            return Data(json.serializedString().utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }

        public static func decode(_ text: String) -> Cursor? {
            var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while b64.count % 4 != 0 { b64 += "=" }
            guard let data = Data(base64Encoded: b64), let json = try? JSONParser.parse([UInt8](data)),
                  let s = json["s"]?.stringValue, let v = json["v"]?.stringValue, let id = json["id"]?.stringValue else { return nil }
            return Cursor(sort: s, value: v, id: id)
        }
    }

    /// Reads validated params (the schema has checked types and enums).
    public init(params: JSONValue) throws {
        let f = params["filter"]?.objectValue ?? JSONObject()
        status = f["status"]?.stringValue ?? "active"
        size = f["size"]?.stringValue
        exportStatus = f["exportStatus"]?.stringValue
        targetMarket = f["targetMarket"]?.stringValue
        okvedPrefix = f["okvedPrefix"]?.stringValue
        hsPrefix = f["hsPrefix"]?.stringValue
        tag = f["tag"]?.stringValue
        q = f["q"]?.stringValue
        if let since = f["updatedSince"]?.stringValue {
            guard let millis = Timestamps.millis(fromRFC3339: since) else {
                throw RPCError.invalidParams(path: "/filter/updatedSince", keyword: "format", "must be an RFC 3339 date-time")
            }
            updatedSince = WallClock.rfc3339(millis)
        }
        if let sort = params["sort"]?.stringValue {
            descending = sort.hasPrefix("-")
            sortField = descending ? String(sort.dropFirst()) : sort
        }
        limit = Int(params["limit"]?.int64Value ?? 50)
        includeTotal = params["includeTotal"]?.boolValue ?? false
        if let text = params["cursor"]?.stringValue {
            guard let c = Cursor.decode(text) else {
                throw RPCError.invalidParams(path: "/cursor", keyword: "format", "is not a cursor returned by companies.list")
            }
            guard c.sort == (descending ? "-" : "") + sortField else {
                throw RPCError.invalidParams(path: "/cursor", keyword: "format", "belongs to sort \(c.sort), not \((descending ? "-" : "") + sortField)")
            }
            cursor = c
        }
    }

    /// WHERE clause and arguments for the filters (not the cursor).
    func filterSQL() -> (String, [SQLValue]) {
        var clauses = ["c.status = ?"]
        var args: [SQLValue] = [.text(status)]
        if let onlyID { clauses.append("c.id = ?"); args.append(.text(onlyID)) }
        if let size { clauses.append("c.size = ?"); args.append(.text(size)) }
        if let exportStatus { clauses.append("c.export_status = ?"); args.append(.text(exportStatus)) }
        if let updatedSince { clauses.append("c.updated_at >= ?"); args.append(.text(updatedSince)) }
        func facet(_ kind: String, equals value: String) {
            clauses.append("EXISTS (SELECT 1 FROM company_facets f WHERE f.kind = ? AND f.value = ? AND f.company_id = c.id)")
            args += [.text(kind), .text(value)]
        }
        func facet(_ kind: String, prefix: String) {
            clauses.append("EXISTS (SELECT 1 FROM company_facets f WHERE f.kind = ? AND f.value >= ? AND f.value < ? AND f.company_id = c.id)")
            args += [.text(kind), .text(prefix), .text(prefix + "\u{10FFFF}")]
        }
        if let targetMarket { facet("targetMarket", equals: targetMarket) }
        if let tag { facet("tag", equals: tag) }
        if let okvedPrefix { facet("okved", prefix: okvedPrefix) }
        if let hsPrefix { facet("hsCode", prefix: hsPrefix) }
        if let q, let match = Self.ftsQuery(q) {
            clauses.append("c.rowid IN (SELECT rowid FROM companies_fts WHERE companies_fts MATCH ?)")
            args.append(.text(match))
        }
        return (clauses.joined(separator: " AND "), args)
    }

    /// Whole words and word prefixes: every word of `q` must start a word of the record.
    static func ftsQuery(_ q: String) -> String? {
        let words = q.split { !($0.isLetter || $0.isNumber) }.map { "\"\($0.replacingOccurrences(of: "\"", with: ""))\"*" }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }
}

/// RFC 3339 timestamps ↔ epoch milliseconds.
public enum Timestamps {
    public static func millis(fromRFC3339 s: String) -> Int64? {
        let b = Array(s.utf8)
        guard b.count >= 20 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= b.count else { return nil }
            var v = 0
            for i in r { guard b[i] >= 48 && b[i] <= 57 else { return nil }; v = v * 10 + Int(b[i] - 48) }
            return v
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13), let mi = num(14..<16), let se = num(17..<19) else { return nil }
        var i = 19
        var ms = 0
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 100
            while i < b.count, b[i] >= 48, b[i] <= 57 { ms += Int(b[i] - 48) * scale; scale /= 10; i += 1 }
        }
        var offset = 0
        if i < b.count && (b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z")) {
            i += 1
        } else if i + 6 == b.count, let oh = num(i + 1..<i + 3), let om = num(i + 4..<i + 6) {
            offset = (oh * 60 + om) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        var t = tm()
        t.tm_year = Int32(y - 1900)
        t.tm_mon = Int32(mo - 1)
        t.tm_mday = Int32(d)
        t.tm_hour = Int32(h)
        t.tm_min = Int32(mi)
        t.tm_sec = Int32(min(se, 59))
        let secs = Int64(timegm(&t)) - Int64(offset * 60)
        return secs * 1000 + Int64(ms)
    }
}
