#if canImport(Glibc)
import Glibc
#endif

/// Splits a byte stream into JSON-RPC messages: newline-delimited JSON, or LSP `Content-Length` framing,
/// chosen from the stream's first byte. It never reads past a message boundary and resynchronises after
/// an oversized message instead of buffering it.
public struct MessageFramer: Sendable {
    public enum Framing: Sendable, Equatable { case undetermined, newlineDelimited, contentLength }

    public enum Event: Equatable, Sendable {
        case message([UInt8])
        /// A message larger than the limit was skipped; the stream continues after it.
        case oversized(Int)
        /// The LSP header could not be understood; the stream cannot be resynchronised.
        case malformedHeader(String)
    }

    public private(set) var framing: Framing = .undetermined
    public let maxMessageBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Newline-delimited: bytes of the current, unfinished line already dropped because the line outgrew the
    /// limit, and whether any of them was more than whitespace. The line is judged when its newline arrives,
    /// on its whole length, so the outcome never depends on how the bytes were split into reads.
    private var lineDropped = 0
    private var lineHasContent = false
    /// Content-Length: bytes of an oversized body still to skip.
    private var bodyToSkip = 0
    /// Content-Length: the length of the body we are waiting for, once its header is read.
    private var pendingBodyLength: Int?
    private var failed = false
    private static let maxHeaderBytes = 8192

    public init(maxMessageBytes: Int) { self.maxMessageBytes = maxMessageBytes }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !failed else { return }
        var bytes = bytes
        if bodyToSkip > 0 {
            let n = min(bodyToSkip, bytes.count)
            bodyToSkip -= n
            bytes = UnsafeRawBufferPointer(rebasing: bytes[n...])
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// True while a message has begun but not ended: what the incomplete-message timeout watches.
    public var hasPartialMessage: Bool {
        if bodyToSkip > 0 || pendingBodyLength != nil || lineDropped > 0 { return true }
        var i = start
        while i < buffer.count {
            switch buffer[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return true
            }
        }
        return false
    }

    /// The next complete event in the buffer, or nil when more bytes are needed.
    public mutating func next() -> Event? {
        guard !failed else { return nil }
        if framing == .undetermined {
            while start < buffer.count, [0x20, 0x09, 0x0A, 0x0D].contains(buffer[start]) { start += 1 }
            guard start < buffer.count else {
                compact()
                return nil
            }
            framing =
                (buffer[start] == UInt8(ascii: "C") || buffer[start] == UInt8(ascii: "c"))
                ? .contentLength : .newlineDelimited
        }
        let event = framing == .contentLength ? nextContentLength() : nextLine()
        compact()
        return event
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
        } else if start > 65536 && start > buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    private func indexOfNewline(from: Int) -> Int? {
        guard from < buffer.count else { return nil }
        return buffer.withUnsafeBufferPointer { p -> Int? in
            guard let hit = memchr(p.baseAddress! + from, 0x0A, p.count - from) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(p.baseAddress!)
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

    /// A blank line (spaces, tabs, CR) is skipped whatever its length; any other line longer than the
    /// limit (its CR excluded) is `.oversized` with its whole length, once its newline arrives.
    private mutating func nextLine() -> Event? {
        while true {
            guard let nl = indexOfNewline(from: start) else {
                // Keep at most limit + 1 bytes of an unfinished line (the 1 being a CR that may end it).
                if buffer.count - start > maxMessageBytes + 1 {
                    let keep = buffer.last == 0x0D ? 1 : 0
                    let dropEnd = buffer.count - keep
                    if !lineHasContent { lineHasContent = buffer[start..<dropEnd].contains { !Self.isBlank($0) } }
                    lineDropped += dropEnd - start
                    start = dropEnd
                }
                return nil
            }
            let lineStart = start
            start = nl + 1
            var end = nl
            if end > lineStart && buffer[end - 1] == 0x0D { end -= 1 }
            let dropped = lineDropped
            let content = lineHasContent || buffer[lineStart..<end].contains { !Self.isBlank($0) }
            lineDropped = 0
            lineHasContent = false
            if !content { continue }
            let length = dropped + (end - lineStart)
            if length > maxMessageBytes { return .oversized(length) }
            return .message(Array(buffer[lineStart..<end]))
        }
    }

    private mutating func nextContentLength() -> Event? {
        while true {
            if let length = pendingBodyLength {
                guard buffer.count - start >= length else { return nil }
                pendingBodyLength = nil
                let body = Array(buffer[start..<start + length])
                start += length
                return .message(body)
            }
            // Tolerate blank lines between messages.
            while start + 1 < buffer.count, buffer[start] == 0x0D, buffer[start + 1] == 0x0A { start += 2 }
            while start < buffer.count, buffer[start] == 0x0A { start += 1 }
            guard start < buffer.count else { return nil }
            guard let headerEnd = findHeaderEnd() else {
                if buffer.count - start > Self.maxHeaderBytes {
                    return fail("header longer than \(Self.maxHeaderBytes) bytes")
                }
                return nil
            }
            let header = String(decoding: buffer[start..<headerEnd], as: UTF8.self)
            start = headerEnd + 4
            var length: Int?
            for line in header.split(separator: "\r\n", omittingEmptySubsequences: true) {
                guard let colon = line.firstIndex(of: ":") else { return fail("header line without ':'") }
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingSpaces()
                if name == "content-length" {
                    guard let n = Int(value), n >= 0 else { return fail("Content-Length is not a number: \(value)") }
                    length = n
                } else if name != "content-type" {
                    return fail("unknown header \(name)")
                }
            }
            guard let n = length else { return fail("Content-Length header missing") }
            if n > maxMessageBytes {
                let available = buffer.count - start
                if available >= n {
                    start += n
                } else {
                    bodyToSkip = n - available
                    start = buffer.count
                }
                return .oversized(n)
            }
            pendingBodyLength = n
        }
    }

    private func findHeaderEnd() -> Int? {
        var i = start
        while i + 3 < buffer.count {
            if buffer[i] == 0x0D && buffer[i + 1] == 0x0A && buffer[i + 2] == 0x0D && buffer[i + 3] == 0x0A { return i }
            i += 1
        }
        return nil
    }

    private mutating func fail(_ why: String) -> Event {
        failed = true
        return .malformedHeader(why)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
