import JSON
import Testing

struct JSONCodableTests {
    struct Contact: Codable, Equatable {
        var name: String
        var phone: String?
    }
    struct Company: Codable, Equatable {
        var name: String
        var employees: Int
        var exporter: Bool
        var share: Double
        var tags: [String]
        var contacts: [Contact]
        var extra: JSONValue?
        var nested: [String: [Int]]
    }

    @Test func roundTripsWithoutReparsing() throws {
        let company = Company(
            name: "ООО «Технополис»", employees: 120, exporter: true, share: 0.25, tags: ["it", "export"],
            contacts: [Contact(name: "Анна", phone: "+74951234567"), Contact(name: "Олег", phone: nil)],
            extra: ["k": [1, 2]], nested: ["a": [1, 2, 3]])
        let value = try JSONValueEncoder().encode(company)
        #expect(value["contacts"]?.arrayValue?[1].objectValue?["phone"] == nil, "nil optionals are left out")
        #expect(value["employees"] == 120)
        #expect(value["exporter"] == true)
        let back = try JSONValueDecoder().decode(Company.self, from: value)
        #expect(back == company)
    }

    @Test func boolDoesNotDecodeAsInt() throws {
        struct N: Decodable { var n: Int }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(N.self, from: ["n": true]) }
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(N.self, from: ["n": 1.5]) }
        #expect(try JSONValueDecoder().decode(N.self, from: ["n": 7]).n == 7)
    }

    @Test func missingFieldNamesItsPath() throws {
        do {
            _ = try JSONValueDecoder().decode(
                Company.self,
                from: [
                    "name": "x", "employees": 1, "exporter": true, "share": 1, "tags": [],
                    "contacts": [["phone": "1"]], "nested": [:],
                ])
            Issue.record("decoded")
        } catch let DecodingError.keyNotFound(key, context) {
            #expect(key.stringValue == "name")
            #expect(context.codingPath.map(\.stringValue) == ["contacts", "0", "name"])
        }
    }

    @Test func integersOutOfRangeAreRejected() throws {
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Int8.self, from: 300) }
        #expect(
            try JSONValueDecoder().decode(UInt64.self, from: .number(.literal("18446744073709551615"))) == UInt64.max)
    }
}
