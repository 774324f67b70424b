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
