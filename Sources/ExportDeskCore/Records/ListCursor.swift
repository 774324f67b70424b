import Foundation
import JSON

/// The position after the last row of a list page: the sort value and id of that row (keyset pagination,
/// SPEC §4), opaque to clients.
public struct ListCursor: Sendable, Codable {
    public var sort: String
    public var value: String
    public var id: String

    enum CodingKeys: String, CodingKey {
        case sort = "s"
        case value = "v"
        case id
    }

    public init(sort: String, value: String, id: String) {
        self.sort = sort
        self.value = value
        self.id = id
    }

    public var encoded: String {
        let json = (try? JSONValueEncoder().encode(self)) ?? .null
        return Data(json.serializedString().utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
    }

    public static func decode(_ text: String) -> ListCursor? {
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let json = try? JSONParser.parse([UInt8](data)) else { return nil }
        return try? JSONValueDecoder().decode(ListCursor.self, from: json)
    }
}

/// One page of a list (SPEC §4): its items, the cursor of the next page (nil on the last) and the total when
/// it was asked for.
public struct ListPage: Sendable {
    public var items: [JSONValue]
    public var nextCursor: String?
    public var total: Int64?

    public init(items: [JSONValue], nextCursor: String?, total: Int64?) {
        self.items = items
        self.nextCursor = nextCursor
        self.total = total
    }

    /// The page with each item shown differently (a reduced student, an agreement with its status today).
    public func mapItems(_ transform: (JSONObject) -> JSONObject) -> ListPage {
        ListPage(items: items.map { .object(transform($0.objectValue ?? [:])) }, nextCursor: nextCursor, total: total)
    }

    /// The page as the list methods answer it: `nextCursor` is null on the last page.
    public var json: JSONValue {
        .object(
            JSONObject(optional: [
                ("items", .array(items)), ("nextCursor", .some(nextCursor.map(JSONValue.string) ?? .null)),
                ("total", total.map { .number(.int($0)) }),
            ]))
    }
}
