import JSONRPC
import Testing

struct MessageFramerTests {
    func events(_ framer: inout MessageFramer) -> [MessageFramer.Event] {
        var out: [MessageFramer.Event] = []
        while let e = framer.next() { out.append(e) }
        return out
    }

    func message(_ s: String) -> MessageFramer.Event { .message(Array(s.utf8)) }

    @Test func newlineDelimitedWholeAndByteByByte() {
        let stream = "{\"a\":1}\r\n\n  \n{\"b\":2}\n[3]\n"
        var whole = MessageFramer(maxMessageBytes: 1000)
        whole.append(Array(stream.utf8))
        #expect(events(&whole) == [message("{\"a\":1}"), message("{\"b\":2}"), message("[3]")])
        #expect(whole.framing == .newlineDelimited)

        var split = MessageFramer(maxMessageBytes: 1000)
        var got: [MessageFramer.Event] = []
        for b in stream.utf8 {
            split.append([b])
            got += events(&split)
        }
        #expect(got == [message("{\"a\":1}"), message("{\"b\":2}"), message("[3]")])
        #expect(!split.hasPartialMessage)
    }

    @Test func contentLengthWholeSplitAndWithContentType() {
        let a = "{\"id\":1,\"x\":\"é\"}"
        let b = "[1,2]"
        let stream =
            "Content-Length: \(a.utf8.count)\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n\(a)"
            + "content-length:\(b.utf8.count)\r\n\r\n\(b)"
        for chunk in [1, 2, 3, 7, 1000] {
            var framer = MessageFramer(maxMessageBytes: 1000)
            var got: [MessageFramer.Event] = []
            let bytes = Array(stream.utf8)
            var i = 0
            while i < bytes.count {
                framer.append(Array(bytes[i..<min(bytes.count, i + chunk)]))
                got += events(&framer)
                i += chunk
            }
            #expect(got == [message(a), message(b)], "chunk size \(chunk)")
            #expect(framer.framing == .contentLength)
        }
    }

    @Test func neverReadsPastAMessageBoundary() {
        var framer = MessageFramer(maxMessageBytes: 1000)
        framer.append(Array("Content-Length: 3\r\n\r\n[1]Content-Length: 3\r\n\r\n[2".utf8))
        #expect(framer.next() == message("[1]"))
        #expect(framer.next() == nil)
        #expect(framer.hasPartialMessage)
        framer.append(Array("]".utf8))
        #expect(framer.next() == message("[2]"))
        #expect(!framer.hasPartialMessage)
    }

    @Test func oversizedLineIsSkippedAndTheStreamResynchronises() {
        var framer = MessageFramer(maxMessageBytes: 10)
        framer.append(Array("[1]\n".utf8))
        framer.append(Array(String(repeating: "x", count: 25).utf8))
        #expect(events(&framer) == [message("[1]")], "an unfinished line is judged when it ends")
        framer.append(Array(String(repeating: "y", count: 50).utf8))
        #expect(events(&framer).isEmpty)
        #expect(framer.hasPartialMessage)
        framer.append(Array("zz\n[2]\n".utf8))
        #expect(
            events(&framer) == [.oversized(77), message("[2]")], "one report per oversized line, with its whole length")
    }

    @Test func oversizedContentLengthBodyIsSkipped() {
        var framer = MessageFramer(maxMessageBytes: 10)
        framer.append(Array("Content-Length: 20\r\n\r\n0123456789".utf8))
        #expect(events(&framer) == [.oversized(20)])
        framer.append(Array("0123456789Content-Length: 3\r\n\r\n[7]".utf8))
        #expect(events(&framer) == [message("[7]")])
    }

    @Test func malformedHeaderStopsTheStream() {
        var framer = MessageFramer(maxMessageBytes: 100)
        framer.append(Array("Content-Length: abc\r\n\r\n{}".utf8))
        guard case .malformedHeader? = framer.next() else {
            Issue.record("expected malformed header")
            return
        }
        framer.append(Array("Content-Length: 2\r\n\r\n{}".utf8))
        #expect(framer.next() == nil)

        var missing = MessageFramer(maxMessageBytes: 100)
        missing.append(Array("Content-Type: x\r\n\r\n{}".utf8))
        guard case .malformedHeader? = missing.next() else {
            Issue.record("a header block without Content-Length must be refused")
            return
        }
    }
}
