import Foundation
import Testing

@testable import JSONSchema

struct PatternTests {
    static let patterns = [
        "^[0-9]{10}$", "^([0-9]{10}|[0-9]{12})$", "^\\d{2}(\\.\\d{1,2}){0,2}$", "^[A-Z]{2}$",
        "^-?[0-9]+(\\.[0-9]{1,2})?$",
        "^\\+[1-9][0-9]{6,14}$", "a+b*c?", "^(?:ab|cd)*$", "x{2,}", "[^a-c]+", "^.$", "colou?r",
        "^[\\w.-]+@[\\w-]+\\.[a-z]{2,}$",
        "^$", "a|b|", "(a|ab)(c|bcd)(d*)", "^\\s*\\S+\\s*$", "[\\-\\]]", "^[а-яё]+$", "\\u0041\\x42", "^(a+)+$",
        "^[^\\d]+$",
        "a.c", "^\\D\\W$", "\\{", "^a{0}b$", "(?:)", "^[.]$",
    ]
    static let inputs = [
        "", "7707083893", "770708389312", "26.51", "26.51.1", "RU", "ru", "1250000.00", "-3", "1.234", "+74951234567",
        "ab", "abbbc",
        "ac", "abcd", "xx", "x", "def", "a", "\n", "color", "colour", "anna@example.ru", "a@b.c", " word ", "two words",
        "-", "]",
        "привет", "ёж", "AB", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "abc", "a\nc", "5!", "a!", "{", "b", ".", "é", "𝄞",
    ]

    @Test func schemaStylePatternsRunOnTheBuiltInEngine() throws {
        for p in [
            "^[0-9]{10}$", "^([0-9]{10}|[0-9]{12})$", "^\\d{2}(\\.\\d{1,2}){0,2}$", "^\\+[1-9][0-9]{6,14}$",
            "^[а-яё]+$",
        ] {
            #expect(try Pattern(p).usesOwnEngine, "\(p)")
        }
        for p in ["(?=a)b", "\\bword", "(a)\\1", "\\p{L}"] {
            #expect(try Pattern(p).usesOwnEngine == false, "\(p) must fall back to ICU")
        }
    }

    @Test func builtInEngineAgreesWithICU() throws {
        var compared = 0
        for p in Self.patterns {
            let ours = try Pattern(p)
            #expect(ours.usesOwnEngine, "\(p)")
            let icu = try NSRegularExpression(pattern: ECMARegex.translate(p))
            for s in Self.inputs {
                #expect(ours.matches(s) == icu.matches(s), "pattern \(p) on \(s.debugDescription)")
                compared += 1
            }
        }
        #expect(compared > 1000)
    }

    @Test func catastrophicPatternsStayLinear() throws {
        let p = try Pattern("^(a+)+$")
        let started = Date()
        #expect(p.matches(String(repeating: "a", count: 5000) + "!") == false)
        #expect(Date().timeIntervalSince(started) < 2, "bit-state backtracking visits each state once")
    }
}
