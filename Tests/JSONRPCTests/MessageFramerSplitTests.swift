import JSONRPC
import TestSupport
import Testing

/// Issue 12 item 13: the framer decides the same whatever the split of the bytes into reads. Random
/// streams built from the pieces that once split the outcome (lines at exactly the limit, CRLF, long
/// whitespace-only lines, blank lines between Content-Length messages, over-long bodies) are fed whole
/// and in random chunk sizes, and must give the same events.
struct MessageFramerSplitTests {
    static let limit = 64

    typealias Random = SeededRandom

    static func body(_ n: Int, _ r: inout Random) -> [UInt8] {
        guard n >= 2 else { return Array("1".utf8) }
        return [UInt8(ascii: "\"")] + (0..<(n - 2)).map { _ in UInt8(ascii: "a") + UInt8(r.int(0...25)) } + [
            UInt8(ascii: "\"")
        ]
    }

    static func newlineStream(_ r: inout Random) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<r.int(1...12) {
            let eol: [UInt8] = r.int(0...1) == 0 ? [0x0A] : [0x0D, 0x0A]
            switch r.int(0...6) {
            case 0: out += body(r.int(1...limit - 1), &r) + eol
            case 1: out += body(limit, &r) + eol  // exactly the limit
            case 2: out += body(limit + r.int(1...3), &r) + eol  // just over
            case 3: out += [UInt8](repeating: 0x20, count: r.int(1...limit * 3)) + eol  // whitespace only, maybe long
            case 4: out += eol  // blank
            case 5: out += [UInt8](repeating: 0x20, count: r.int(1...limit * 2)) + body(r.int(1...limit / 2), &r) + eol
            default: out += [0x09, 0x0D] + body(r.int(1...limit / 2), &r) + eol
            }
        }
        if r.int(0...3) == 0 { out += body(r.int(1...limit * 2), &r) }  // an unfinished last line
        return out
    }

    static func contentLengthStream(_ r: inout Random) -> [UInt8] {
        var out: [UInt8] = []
        for i in 0..<r.int(1...8) {
            if i > 0 {
                for _ in 0..<r.int(0...2) { out += r.int(0...1) == 0 ? [0x0D, 0x0A] : [0x0A] }  // blank lines between
            }
            let n = r.int(0...4) == 0 ? limit + r.int(1...20) : r.int(1...limit)
            let header =
                r.int(0...2) == 0
                ? "Content-Length: \(n)\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
                : "Content-Length: \(n)\r\n\r\n"
            out += Array(header.utf8) + body(n, &r)
        }
        return out
    }

    static func events(_ bytes: [UInt8], chunks: [Int]?) -> [MessageFramer.Event] {
        var framer = MessageFramer(maxMessageBytes: limit)
        var out: [MessageFramer.Event] = []
        guard let chunks else {
            framer.append(bytes)
            while let e = framer.next() { out.append(e) }
            return out
        }
        var at = 0
        var i = 0
        while at < bytes.count {
            let n = min(chunks[i % chunks.count], bytes.count - at)
            framer.append(Array(bytes[at..<at + n]))
            while let e = framer.next() { out.append(e) }
            at += n
            i += 1
        }
        return out
    }

    @Test(arguments: ["newline-delimited", "Content-Length"])
    func theSameEventsForEverySplitOfTheBytes(framing: String) {
        for seed in UInt64(1)...400 {
            var r = Random(state: seed)
            let stream = framing == "Content-Length" ? Self.contentLengthStream(&r) : Self.newlineStream(&r)
            let whole = Self.events(stream, chunks: nil)
            for _ in 0..<4 {
                let chunks = (0..<8).map { _ in r.int(0...3) == 0 ? 1 : r.int(1...Self.limit + 8) }
                let split = Self.events(stream, chunks: chunks)
                #expect(split == whole, "seed \(seed), chunks \(chunks)")
                if split != whole { return }
            }
            let bytewise = Self.events(stream, chunks: [1])
            #expect(bytewise == whole, "seed \(seed), byte by byte")
            if bytewise != whole { return }
        }
    }
}
