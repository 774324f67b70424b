import Foundation
import JSON

/// The position after the last row of a list page: the sort value and id of that row (keyset pagination,
/// SPEC §4), opaque to clients.
public struct ListCursor: Sendable {
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
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
    }

    public static func decode(_ text: String) -> ListCursor? {
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let json = try? JSONParser.parse([UInt8](data)),
            let s = json["s"]?.stringValue, let v = json["v"]?.stringValue, let id = json["id"]?.stringValue
        else { return nil }
        return ListCursor(sort: s, value: v, id: id)
    }
}
