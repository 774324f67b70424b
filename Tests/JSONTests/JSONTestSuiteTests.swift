import Foundation
import JSON
import TestSupport
import Testing

/// nst/JSONTestSuite against our parser: every y_ accepted, every n_ rejected, no i_ or transform case crashes.
@Suite(.enabled(if: TestSuites.available, TestSuites.skipReason))
struct JSONTestSuiteTests {
    static func files(_ folder: String) -> [String] {
        let dir = TestSuites.path("JSONTestSuite/" + folder)
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }
            .sorted()
    }

    func bytes(_ folder: String, _ name: String) throws -> [UInt8] {
        [UInt8](try TestSuites.read("JSONTestSuite/\(folder)/\(name)"))
    }

    @Test func everyAcceptCaseIsAccepted() throws {
        let names = Self.files("test_parsing").filter { $0.hasPrefix("y_") }
        #expect(names.count > 90)
        var failures: [String] = []
        for name in names {
            do { _ = try JSONParser.parse(try bytes("test_parsing", name)) } catch {
                failures.append("\(name): \(error)")
            }
        }
        #expect(failures.isEmpty, "rejected valid JSON: \(failures)")
        print("JSONTestSuite y_: \(names.count - failures.count)/\(names.count) accepted")
    }

    @Test func everyRejectCaseIsRejected() throws {
        let names = Self.files("test_parsing").filter { $0.hasPrefix("n_") }
        #expect(names.count > 180)
        var accepted: [String] = []
        for name in names {
            if (try? JSONParser.parse(try bytes("test_parsing", name))) != nil { accepted.append(name) }
        }
        #expect(accepted.isEmpty, "accepted invalid JSON: \(accepted)")
        print("JSONTestSuite n_: \(names.count - accepted.count)/\(names.count) rejected")
    }

    /// The member-by-member parse of a request (`parse(_:objectMembers:)`) judges every case as `parse` does,
    /// and hands over exactly a top-level object's members, in document order.
    @Test func memberByMemberParsingAgreesWithParsingOnEveryCase() throws {
        let names = Self.files("test_parsing")
        #expect(names.count > 300)
        var disagreements: [String] = []
        for name in names {
            let text = try bytes("test_parsing", name)
            let whole = try? JSONParser.parse(text)
            var members: [(String, JSONValue)] = []
            let rest: JSONValue??
            do { rest = .some(try JSONParser.parse(text) { members.append(($0, $1)) }) } catch { rest = .none }
            switch (whole, rest) {
            case (nil, nil): break
            case (.object(let o)?, .some(nil)):
                // A repeated key is handed over each time; the object keeps its last value.
                let last = Dictionary(members, uniquingKeysWith: { _, later in later })
                let keys = members.map(\.0).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                if keys != o.keys || o.keys.contains(where: { last[$0] != o[$0] }) { disagreements.append(name) }
            case (let v?, .some(let r?)) where !(v.objectValue != nil) && v == r: break
            default: disagreements.append(name)
            }
        }
        #expect(disagreements.isEmpty, "member-by-member parsing disagrees on: \(disagreements)")
    }

    @Test func implementationDefinedCasesDoNotCrash() throws {
        var outcomes: [String] = []
        for name in Self.files("test_parsing").filter({ $0.hasPrefix("i_") }) {
            let result = try? JSONParser.parse(try bytes("test_parsing", name))
            outcomes.append("\(name): \(result == nil ? "rejected" : "accepted")")
        }
        #expect(outcomes.count > 30)
        print("JSONTestSuite i_ outcomes:\n  " + outcomes.joined(separator: "\n  "))
    }

    @Test func transformCasesParseAndRoundTrip() throws {
        let names = Self.files("test_transform")
        var accepted = 0
        for name in names {
            guard let value = try? JSONParser.parse(try bytes("test_transform", name)) else { continue }
            accepted += 1
            // Whatever we accept must serialize to JSON that parses back to the same value.
            let again = try JSONParser.parse(value.serialized())
            #expect(again == value, "\(name) did not round-trip")
        }
        // Most transform cases are valid JSON; a parser that rejected them all would otherwise pass here.
        #expect(
            names.count > 10 && accepted * 2 > names.count, "\(accepted) of \(names.count) transform cases accepted")
    }
}
