import JSON
import Testing

struct JSONParserTests {
    @Test func integersStayExactBeyondDoublePrecision() throws {
        let v = try JSONParser.parse(
            "[9007199254740993, -9223372036854775808, 9223372036854775807, 123456789012345678901234567890]")
        #expect(
            v.serializedString()
                == "[9007199254740993,-9223372036854775808,9223372036854775807,123456789012345678901234567890]")
        #expect(v.arrayValue?[0].int64Value == 9_007_199_254_740_993)
    }

    @Test func decimalsKeepTheirDigits() throws {
        let text = "[1250000.00,0.1,1E400,-0,1.000000000000000005]"
        #expect(try JSONParser.parse(text).serializedString() == text)
    }

    /// The envelope's words come back as literals; every other short string, however close, as written.
    @Test func envelopeWordsAndTheirNeighboursParseAsWritten() throws {
        let words = [
            "id", "2.0", "method", "params", "jsonrpc", "ib", "2.1", "metho", "methods", "param", "Params",
            "jsonrpC", "jsonrp", "i", "d", "", "2.00", "idid", "paramsx", "jsonrpc2",
        ]
        // Each word as a key, with the word after it as its value.
        let text =
            "{"
            + words.indices.map { #""\#(words[$0])":"\#(words[($0 + 1) % words.count])""# }
            .joined(separator: ",") + "}"
        let parsed = try JSONParser.parse(text)
        #expect(parsed.objectValue?.keys == words)
        for (i, word) in words.enumerated() {
            #expect(parsed[word]?.stringValue == words[(i + 1) % words.count])
        }
        let values = try JSONParser.parse("[" + words.map { #""\#($0)""# }.joined(separator: ",") + "]")
        #expect(values.arrayValue?.compactMap(\.stringValue) == words)
        #expect(try JSONParser.parse(#"{"id":1}"#)["id"]?.int64Value == 1)
    }

    @Test func trueIsNeverOne() throws {
        let v = try JSONParser.parse("[true, 1, false, 0]")
        #expect(v.arrayValue?[0] == .bool(true))
        #expect(v.arrayValue?[0] != v.arrayValue?[1])
        #expect(v.arrayValue?[2] != v.arrayValue?[3])
    }

    @Test func numbersCompareByValue() throws {
        #expect(try JSONParser.parse("1.0") == JSONParser.parse("1"))
        #expect(try JSONParser.parse("1e2") == JSONParser.parse("100"))
        #expect(try JSONParser.parse("0.10") == JSONParser.parse("1e-1"))
        #expect(try JSONParser.parse("2") != JSONParser.parse("2.5"))
        #expect(JSONNumber.literal("2.5") < JSONNumber.int(3))
        #expect(JSONNumber.literal("-1e3") < JSONNumber.int(-999))
        #expect(Set([try JSONParser.parse("1.0"), try JSONParser.parse("1")]).count == 1)
    }

    @Test func deepNestingIsRejectedWithoutCrashing() {
        let open = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(open) }
        let balanced = open + [UInt8](repeating: UInt8(ascii: "]"), count: 100_000)
        do {
            _ = try JSONParser.parse(balanced)
            Issue.record("100,000 levels accepted")
        } catch {
            #expect(error.kind == .tooDeep)
        }
        let ok = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        #expect((try? JSONParser.parse(ok)) != nil)
        let tooDeep = String(repeating: "{\"a\":", count: 129) + "1" + String(repeating: "}", count: 129)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(tooDeep) }
    }

    @Test func invalidUTF8IsAnError() {
        for bytes: [UInt8] in [
            [0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22],
        ] {
            do {
                _ = try JSONParser.parse(bytes)
                Issue.record("accepted \(bytes)")
            } catch {
                #expect(error.kind == .invalidUTF8)
            }
        }
    }

    @Test func loneSurrogatesAreErrors() throws {
        for text in [#""\uD800""#, #""\uDC00""#, #""\uD800\u0041""#, #""\uD834x""#] {
            do {
                _ = try JSONParser.parse(text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.kind == .loneSurrogate)
            }
        }
        #expect(try JSONParser.parse(#""\uD834\uDD1E""#) == .string("𝄞"))
    }

    @Test func trailingCommasAndGarbageAreRejected() {
        for text in ["[1,]", "{\"a\":1,}", "[1] x", "01", "1.", ".5", "+1", "NaN", "'a'", "\u{FEFF}{}", "[\"a\tb\"]"] {
            #expect(throws: JSONParseError.self, "accepted \(text)") { try JSONParser.parse(text) }
        }
    }

    @Test func errorsSayWhereAndWhy() {
        do {
            _ = try JSONParser.parse("{\"a\": tru}")
            Issue.record("accepted")
        } catch {
            // `{"a": tru}`: the literal breaks at the `}` in byte 9.
            #expect(error.offset == 9)
            #expect(error.description == "unexpected character at byte 9")
        }
    }

    @Test func cyrillicAndEscapesRoundTrip() throws {
        let value: JSONValue = [
            "name": "ТЕХНОПОЛИС «Москва»", "note": "line\nbreak \"quoted\" \\ \u{01}", "emoji": "𝄞",
        ]
        let text = value.serializedString()
        #expect(text.contains("ТЕХНОПОЛИС"))
        #expect(text.contains("\\u0001"))
        #expect(try JSONParser.parse(text) == value)
    }

    @Test func duplicateKeysKeepTheLastValueAndOrderIsKept() throws {
        let v = try JSONParser.parse(#"{"b":1,"a":2,"b":3}"#)
        #expect(v["b"] == 3)
        #expect(v.objectValue?.keys == ["b", "a"])
        #expect(v.serializedString() == #"{"b":3,"a":2}"#)
    }

    @Test func prettyOutputParsesBack() throws {
        let v = try JSONParser.parse(#"{"a":[1,{"b":null}],"c":{}}"#)
        let pretty = v.serializedString(pretty: true)
        #expect(pretty.contains("\n  \"a\": ["))
        #expect(try JSONParser.parse(pretty) == v)
    }
}
