import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import Support

/// `exportdesk-bench sync` and `exportdesk-bench feed`: the partner-sync figures of the internship issue.
///
/// - sync: `sync.push` of `--items` placements (default 1,000) per call, `--rounds` times, each round for
///   fresh students (pushed first, untimed), so every timed item is a real proposal with every rule checked.
/// - feed: pages through the whole change feed from the start with `changes.list` (`--page`, default
///   1,000), after topping the log up to `--changes` entries (default 1,000,000) with pushed students.
enum PartnerBenchmark {
    struct Options {
        var socket = ""
        var items = 1000
        var rounds = 10
        var changes = 1_000_000
        var page = 1000

        init(_ args: [String]) throws {
            var i = 0
            func value() throws -> String {
                i += 1
                guard i < args.count else { throw BenchError("\(args[i - 1]) needs a value", exitCode: 2) }
                return args[i]
            }
            while i < args.count {
                switch args[i] {
                case "--socket": socket = try value()
                case "--items": items = Int(try value()) ?? items
                case "--rounds": rounds = Int(try value()) ?? rounds
                case "--changes": changes = Int(try value()) ?? changes
                case "--page": page = Int(try value()) ?? page
                default: throw BenchError("unknown option \(args[i])", exitCode: 2)
                }
                i += 1
            }
            if socket.isEmpty { throw BenchError("--socket PATH is required", exitCode: 2) }
        }
    }

    /// A college with an agreement, a host with an open offer of `slots` places; returns their ids.
    static func programme(_ c: RPCConnection, slots: Int) throws -> (college: JSONValue, offer: JSONValue) {
        let college = try c.call("institutions.create", ["name": "Бенчмарк-колледж", "kind": "college"])["id"]!
        _ = try c.call(
            "agreements.create",
            ["institutionId": college, "number": "B-1", "validFrom": "2027-01-01", "validTo": "2027-12-31"])
        let company = try c.call("companies.create", ["name": "ООО «Бенчмарк»"])["id"]!
        let offer = try c.call(
            "offers.create",
            [
                "companyId": company, "title": "Стажёр", "startsOn": "2027-02-01", "endsOn": "2027-05-31",
                "slots": .number(.int(Int64(slots))),
            ])["id"]!
        _ = try c.call("offers.open", ["id": offer])
        return (college, offer)
    }

    static func students(_ college: JSONValue, _ run: String, _ range: Range<Int>) -> JSONValue {
        .array(
            range.map { i in
                [
                    "entity": "student", "externalRef": ["system": .string("bench-\(run)"), "id": .string("S-\(i)")],
                    "data": [
                        "institutionId": college, "fullName": .string("Студент \(i)"), "specialty": "15.02.10",
                        "course": 2,
                    ],
                ]
            })
    }

    static func percentiles(_ samples: [Double]) -> JSONValue {
        let sorted = samples.sorted()
        func p(_ q: Double) -> JSONValue {
            guard !sorted.isEmpty else { return .null }
            let i = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
            return .number(JSONNumber((sorted[i] * 1000).rounded(toPlaces: 2)))
        }
        return ["p50": p(0.5), "p99": p(0.99), "max": p(1.0)]
    }

    static func sync(_ o: Options) throws -> JSONValue {
        let c = try RPCConnection(socketPath: o.socket)
        let run = String(WallClock.nowMillis)
        let (college, offer) = try programme(c, slots: o.items * o.rounds)
        var times: [Double] = []
        var failed = 0
        for round in 0..<o.rounds {
            let range = round * o.items..<(round + 1) * o.items
            _ = try c.call("sync.push", ["items": students(college, run, range)], timeout: 300)
            let placements: JSONValue = .array(
                range.map { i in
                    [
                        "entity": "placement",
                        "externalRef": ["system": .string("bench-\(run)"), "id": .string("P-\(i)")],
                        "data": [
                            "studentRef": ["system": .string("bench-\(run)"), "id": .string("S-\(i)")],
                            "offerId": offer,
                        ],
                    ]
                })
            let t0 = MonotonicClock.now
            let results = try c.call("sync.push", ["items": placements], timeout: 300)["results"]?.arrayValue ?? []
            times.append(MonotonicClock.now - t0)
            failed += results.filter { $0["error"] != nil }.count
        }
        let total = times.reduce(0, +)
        return [
            "benchmark": "sync.push placements", "itemsPerCall": .number(JSONNumber(o.items)),
            "calls": .number(JSONNumber(o.rounds)),
            "failedItems": .number(JSONNumber(failed)), "callMillis": percentiles(times),
            "itemsPerSecond": .number(JSONNumber((Double(o.items * o.rounds) / total).rounded())),
        ]
    }

    static func feed(_ o: Options) throws -> JSONValue {
        let c = try RPCConnection(socketPath: o.socket)
        // The newest seq (what a subscription starts from) is the log's size: sequence numbers are not reused.
        let subscription = try c.call("changes.subscribe", ["entities": ["token"]])
        var count = Int64(subscription["since"]?.stringValue ?? "0") ?? 0
        _ = try c.call("changes.unsubscribe", ["subscriptionId": subscription["subscriptionId"]!])
        let fillStart = MonotonicClock.now
        if count < Int64(o.changes) {
            let college = try programme(c, slots: 1).college
            let run = String(WallClock.nowMillis)
            var next = 0
            while count < Int64(o.changes) {
                let n = min(1000, Int(Int64(o.changes) - count))
                _ = try c.call("sync.push", ["items": students(college, run, next..<next + n)], timeout: 300)
                next += n
                count += Int64(n)
            }
        }
        let fillSeconds = MonotonicClock.now - fillStart
        var cursor = "0"
        var seen = 0
        var pageTimes: [Double] = []
        let t0 = MonotonicClock.now
        while true {
            let p0 = MonotonicClock.now
            let page = try c.call(
                "changes.list", ["since": .string(cursor), "limit": .number(JSONNumber(o.page))], timeout: 60)
            pageTimes.append(MonotonicClock.now - p0)
            let items = page["items"]?.arrayValue ?? []
            if items.isEmpty { break }
            seen += items.count
            cursor = page["nextCursor"]?.stringValue ?? cursor
        }
        let seconds = MonotonicClock.now - t0
        return [
            "benchmark": "changes.list paging", "changes": .number(JSONNumber(seen)),
            "pageSize": .number(JSONNumber(o.page)),
            "seconds": .number(JSONNumber(seconds.rounded(toPlaces: 2))),
            "changesPerSecond": .number(JSONNumber((Double(seen) / seconds).rounded())),
            "pageMillis": percentiles(pageTimes), "fillSeconds": .number(JSONNumber(fillSeconds.rounded(toPlaces: 1))),
        ]
    }
}
