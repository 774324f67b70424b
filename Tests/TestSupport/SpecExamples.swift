import ExportDeskClient
import Foundation
import JSON

/// The 15 examples of the JSON-RPC 2.0 specification (shared/testsuites), and the comparison rules of that file.
public struct SpecExample: Sendable, CustomStringConvertible {
    public let name: String
    public let request: String
    public let response: JSONValue?
    public var description: String { name }

    public static func all() throws -> [SpecExample] {
        let doc = try JSONParser.parse([UInt8](try TestSuites.read("jsonrpc-2.0-spec-examples/spec-examples.json")))
        return try (doc["cases"]?.arrayValue ?? []).map { c in
            let response = c["response"]?.stringValue
            return SpecExample(
                name: c["name"]?.stringValue ?? "?", request: c["request"]?.stringValue ?? "",
                response: try response.map { try JSONParser.parse($0) })
        }
    }

    /// Runs the example on a connection and returns what differs from the specification (empty when it conforms).
    /// Newline-delimited framing sends the request on one line: the multi-line examples' newlines are JSON
    /// whitespace (or, in the invalid-JSON one, make it no more or less invalid), so they become spaces.
    public func check(on connection: RPCConnection) throws -> [String] {
        let body = connection.framing == .newlineDelimited ? request.replacingOccurrences(of: "\n", with: " ") : request
        try connection.sendBody(Array(body.utf8))
        // A marker request after each example proves that nothing else was answered in between.
        let marker: JSONValue = .string("marker-\(name)")
        try connection.send(["jsonrpc": "2.0", "id": marker, "method": "get_data"])
        var got = try connection.readMessage(timeout: 10)
        guard let expected = response else {
            return got["id"] == marker ? [] : ["expected no response, got \(got)"]
        }
        let failures = Self.compare(expected: expected, actual: got)
        got = try connection.readMessage(timeout: 10)
        return failures + (got["id"] == marker ? [] : ["an extra message arrived: \(got)"])
    }

    /// Compares parsed responses: ids, result values, error codes; batches matched by id in any order.
    public static func compare(expected: JSONValue, actual: JSONValue) -> [String] {
        switch (expected, actual) {
        case (.array(let e), .array(var a)):
            guard e.count == a.count else { return ["expected \(e.count) responses, got \(a.count): \(actual)"] }
            var failures: [String] = []
            for item in e {
                guard
                    let i = a.firstIndex(where: {
                        $0["id"] == item["id"] && compare(expected: item, actual: $0).isEmpty
                    })
                else {
                    failures.append("no response matching \(item) in \(actual)")
                    continue
                }
                a.remove(at: i)
            }
            return failures
        case (.object, .object):
            var failures: [String] = []
            if actual["jsonrpc"] != "2.0" { failures.append("jsonrpc is \(String(describing: actual["jsonrpc"]))") }
            if expected["id"] != actual["id"] {
                failures.append(
                    "id \(String(describing: actual["id"])) instead of \(String(describing: expected["id"]))")
            }
            if let result = expected["result"] {
                if actual["result"] != result {
                    failures.append("result \(String(describing: actual["result"])) instead of \(result)")
                }
                if actual["error"] != nil { failures.append("unexpected error member") }
            }
            if let error = expected["error"] {
                if actual["error"]?["code"] != error["code"] {
                    failures.append(
                        "error code \(String(describing: actual["error"]?["code"])) instead of \(String(describing: error["code"]))"
                    )
                }
                if actual["result"] != nil { failures.append("unexpected result member") }
                if actual["error"]?["data"]?["reason"]?.stringValue == nil {
                    failures.append("error.data.reason missing")
                }
            }
            return failures
        default:
            return ["expected \(expected), got \(actual)"]
        }
    }
}
