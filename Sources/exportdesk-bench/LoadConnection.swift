import JSONRPC
import RPCTransport
import Support

#if canImport(Glibc)
import Glibc
#endif

/// One benchmark connection: keeps `depth` requests in flight and records each answer's latency.
final class LoadConnection: @unchecked Sendable {
    let fd: Int32
    let options: BenchOptions
    let base: Int64
    var latenciesNanos: [UInt32] = []
    var completed = 0
    var errors = 0
    var firstError: String?
    private var sentAt: [UInt64: Double] = [:]
    private var nextID: Int64
    private let prefix: [UInt8]
    private let paramsParts: [[[UInt8]]]
    private let measuring: () -> Bool
    private let stopped: () -> Bool

    init(fd: Int32, options: BenchOptions, index: Int, measuring: @escaping () -> Bool, stopped: @escaping () -> Bool) {
        self.fd = fd
        self.options = options
        self.base = Int64(index) * 1_000_000_000
        self.nextID = base
        self.measuring = measuring
        self.stopped = stopped
        prefix = Array(#"{"jsonrpc":"2.0","method":"\#(options.method)","id":"#.utf8)
        paramsParts = options.paramsTemplates.map { t in
            t.split(separator: "{{n}}", omittingEmptySubsequences: false).map { Array($0.utf8) }
        }
        latenciesNanos.reserveCapacity(1 << 20)
    }

    private func appendRequest(to out: inout [UInt8], now: Double) {
        let id = nextID
        nextID += 1
        out.append(contentsOf: prefix)
        out.append(contentsOf: Array(String(id).utf8))
        if !paramsParts.isEmpty {
            let parts = paramsParts[Int(id % Int64(paramsParts.count))]
            out.append(contentsOf: Array(#","params":"#.utf8))
            for (i, part) in parts.enumerated() {
                if i > 0 { out.append(contentsOf: Array(String(id).utf8)) }
                out.append(contentsOf: part)
            }
        }
        out.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
        sentAt[UInt64(id)] = now
    }

    private func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = send(fd, raw.baseAddress! + off, raw.count - off, msgNoSignal)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                off += n
            }
            return true
        }
    }

    /// Runs until `stopped()`, then waits for the requests still in flight.
    func run() {
        var out: [UInt8] = []
        let start = MonotonicClock.now
        for _ in 0..<options.depth { appendRequest(to: &out, now: start) }
        guard write(out) else {
            firstError = "cannot write"
            return
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var pending: [UInt8] = []
        var inFlight = options.depth
        while inFlight > 0 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                firstError = firstError ?? "connection closed by the server"
                return
            }
            let now = MonotonicClock.now
            let stopping = stopped()
            let record = measuring()
            out.removeAll(keepingCapacity: true)
            pending.append(contentsOf: buffer[0..<n])
            var lineStart = 0
            pending.withUnsafeBufferPointer { p in
                var i = 0
                while i < p.count {
                    if p[i] == 0x0A {
                        handleLine(UnsafeBufferPointer(rebasing: p[lineStart..<i]), now: now, record: record)
                        inFlight -= 1
                        if !stopping {
                            appendRequest(to: &out, now: now)
                            inFlight += 1
                        }
                        lineStart = i + 1
                    }
                    i += 1
                }
            }
            pending.removeSubrange(0..<lineStart)
            if !out.isEmpty && !write(out) {
                firstError = "cannot write"
                return
            }
        }
    }

    /// Finds the numeric id and whether the answer is an error, without a full parse.
    private func handleLine(_ line: UnsafeBufferPointer<UInt8>, now: Double, record: Bool) {
        let key = Array(#""id":"#.utf8)
        var i = 0
        var id: UInt64 = 0
        search: while i + key.count < line.count {
            for k in 0..<key.count where line[i + k] != key[k] {
                i += 1
                continue search
            }
            i += key.count
            while i < line.count, line[i] >= 48, line[i] <= 57 {
                id = id * 10 + UInt64(line[i] - 48)
                i += 1
            }
            break
        }
        let isError = line.count > i + 8 && line[i + 1] == UInt8(ascii: "\"") && line[i + 2] == UInt8(ascii: "e")
        if isError {
            errors += 1
            if firstError == nil { firstError = String(decoding: line, as: UTF8.self) }
        }
        guard let sent = sentAt.removeValue(forKey: id) else { return }
        if record {
            completed += 1
            latenciesNanos.append(UInt32(min(Double(UInt32.max), (now - sent) * 1e9)))
        }
    }
}
