import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import TestSupport
import Testing

/// What outsiders do: every method's schema examples, mutated at random (types swapped, huge and odd
/// values, ids of real and foreign records, params that are not objects), sent to a demo programme. Nothing
/// may answer -32603 or take the server down.
struct MutatedParamsTests {
    typealias Random = SeededRandom

    static func mutate(_ v: JSONValue, _ r: inout Random, odd: [JSONValue]) -> JSONValue {
        if r.chance(0.15) { return r.pick(odd) }
        switch v {
        case .object(let o):
            var out = JSONObject()
            for (k, value) in o where !r.chance(0.05) { out[k] = r.chance(0.5) ? mutate(value, &r, odd: odd) : value }
            if r.chance(0.1) {
                out[r.pick(["extra", "filter", "patch", "id", "items", "limit", "cursor"])] = r.pick(odd)
            }
            return .object(out)
        case .array(let a):
            return .array(a.map { mutate($0, &r, odd: odd) } + (r.chance(0.2) ? [r.pick(odd)] : []))
        default:
            return v
        }
    }

    @Test func randomlyMutatedParamsNeverAnswerInternalOrStopTheServer() throws {
        let dir = TemporaryDirectory()
        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
        demo.arguments = ["demo", "--db", dir.database()]
        demo.standardOutput = FileHandle.nullDevice
        try demo.run()
        demo.waitUntilExit()
        let server = try ServerProcess(arguments: ["--log-level", "warn"], directory: dir)
        defer { server.stop() }
        let c = try server.connect()
        // Real ids of several kinds, so that mutations reach the rules and not only NOT_FOUND.
        var ids: [JSONValue] = []
        for method in [
            "companies.list", "events.list", "placements.list", "students.list", "offers.list", "requests.list",
            "strategies.list",
        ] {
            ids += (try c.call(method, ["limit": 3])["items"]?.arrayValue ?? []).compactMap { $0["id"] }
        }
        let odd: [JSONValue] =
            [
                .null, true, 0, -1, .number(.literal("9223372036854775808")), .number(.literal("1e308")), 1.5, "",
                .string(String(repeating: "x", count: 5000)), "💥\u{0}", [], [:], [.null], ["a": ["b": [:]]],
                "2026-02-31", "9999-12-31", "0000-01-01", "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A",
            ] + ids
        let schemas = RepositoryPaths.root + "/Schemas/methods"
        var examples: [(String, [JSONValue])] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: schemas).sorted()
        where file.hasSuffix(".params.json") {
            let method = String(file.dropLast(".params.json".count))
            // The connection-level ones would change what the rest of the run may do; backups write files.
            guard !["changes.subscribe", "session.authenticate", "tokens.revoke", "system.backup"].contains(method)
            else { continue }
            let schema = try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: schemas + "/" + file))))
            examples.append((method, schema["examples"]?.arrayValue ?? [[:]]))
        }
        var r = Random(state: 2026)
        var internalErrors: [String] = []
        var answered = 0
        for n in 0..<3_000 {
            let (method, candidates) = r.pick(examples)
            let params = Self.mutate(r.pick(candidates.isEmpty ? [[:]] : candidates), &r, odd: odd)
            try c.send(["jsonrpc": "2.0", "id": .number(.int(Int64(n))), "method": .string(method), "params": params])
            var reply = try c.readMessage(timeout: 20)
            while reply["method"] != nil { reply = try c.readMessage(timeout: 20) }  // notifications
            #expect(reply["id"] == .number(.int(Int64(n))), "one answer per request")
            if reply["error"]?["code"] == -32603 {
                internalErrors.append("\(method) \(params.serializedString().prefix(300))")
            }
            answered += 1
        }
        #expect(answered == 3_000)
        #expect(internalErrors.isEmpty, "INTERNAL answers: \(internalErrors.prefix(5))")
        #expect(try c.call("system.ping")["pong"] == true, "the server is still serving")
    }
}
