/// What one benchmark run does: which method, how many connections, how many requests in flight on each.
struct BenchOptions {
    var socketPath = "./exportdesk.sock"
    var connections = 4
    var depth = 32
    var method = "system.ping"
    /// JSON params templates, used in turn; every `{{n}}` becomes a number unique to the request.
    var paramsTemplates: [String] = []
    var duration = 5.0
    var warmup = 1.0

    static let help = """
        exportdesk-bench — drive a running exportdesk server over its Unix socket and report throughput and latency

        USAGE
          exportdesk-bench --socket PATH [--connections N] [--depth D] [--method M] [--params JSON]
                           [--duration S] [--warmup S]

          --connections N   concurrent connections (default 4)
          --depth D         requests in flight on each connection (default 32; 1 = strict request/response)
          --method M        method to call (default system.ping)
          --params JSON     params template; each {{n}} is replaced by a number unique to the request;
                            give it several times to rotate through templates
          --duration S      seconds measured (default 5)
          --warmup S        seconds run before measuring (default 1)

        Prints one JSON object: requests/s and p50/p99/p99.9 latency in microseconds.

          exportdesk-bench validate [ITERATIONS]
        measures params validation in-process (a companies.create-sized object, valid and with 5 errors).

          exportdesk-bench ceiling --socket PATH [--seconds 30]
        serves a minimal epoll echo on PATH (one thread) for the load generator: the transport's ceiling.

          exportdesk-bench coldstart [--runs 30] [--exportdesk PATH] [--method M] [--params JSON]
        spawns `exportdesk serve --stdio` RUNS times: time to the first answer, and a method's first call
        against its second in the same process (median and p90, ms). The binary defaults to the one beside
        exportdesk-bench.

          exportdesk-bench sync --socket PATH [--items 1000] [--rounds 10]
        times sync.push of ITEMS placements per call (fresh students each round, pushed untimed first).

          exportdesk-bench feed --socket PATH [--changes 1000000] [--page 1000]
        tops the change log up to CHANGES entries with pushed students, then pages through all of it.
        """

    init(arguments: [String]) throws {
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < arguments.count else { throw BenchError("\(arguments[i - 1]) needs a value") }
            return arguments[i]
        }
        func number(_ text: String, _ name: String) throws -> Double {
            guard let v = Double(text), v > 0 else {
                throw BenchError("\(name) must be a positive number, not \(text)")
            }
            return v
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--socket": socketPath = try value()
            case "--connections": connections = Int(try number(try value(), "--connections"))
            case "--depth": depth = Int(try number(try value(), "--depth"))
            case "--method": method = try value()
            case "--params": paramsTemplates.append(try value())
            case "--duration": duration = try number(try value(), "--duration")
            case "--warmup": warmup = Double(try value()) ?? 0
            case "--help", "-h": throw BenchError(Self.help, exitCode: 0)
            default: throw BenchError("unknown argument \(arguments[i])\n\n\(Self.help)")
            }
            i += 1
        }
    }
}

struct BenchError: Error {
    let message: String
    let exitCode: Int32
    init(_ message: String, exitCode: Int32 = 64) {
        self.message = message
        self.exitCode = exitCode
    }
}
