/// Serializes JSON values to UTF-8 bytes: compact by default, or indented for people.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    public var pretty: Bool
    private var level = 0

    public init(pretty: Bool = false, capacity: Int = 256) {
        self.pretty = pretty
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .number(let n): writeNumber(n)
        case .string(let s): writeString(s)
        case .array(let items):
            if items.isEmpty {
                append("[]")
                return
            }
            bytes.append(UInt8(ascii: "["))
            level += 1
            for (i, item) in items.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                newline()
                write(item)
            }
            level -= 1
            newline()
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                append("{}")
                return
            }
            bytes.append(UInt8(ascii: "{"))
            level += 1
            var first = true
            for (key, item) in object {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                newline()
                writeString(key)
                bytes.append(UInt8(ascii: ":"))
                if pretty { bytes.append(0x20) }
                write(item)
            }
            level -= 1
            newline()
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends raw, already-serialized JSON (used to splice cached fragments).
    public mutating func writeRaw(_ raw: some Sequence<UInt8>) { bytes.append(contentsOf: raw) }

    public mutating func writeNumber(_ n: JSONNumber) {
        switch n {
        case .int(let v): writeInt(v)
        case .literal(let s): append(s)
        }
    }

    public mutating func writeInt(_ v: Int64) {
        if v >= 0 && v < 10 {
            bytes.append(UInt8(48 + v))
            return
        }
        // Digits straight into the output (an id on every answer; String(v) cost more than the rest of it).
        var magnitude = v.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits and a sign, on the stack
        withUnsafeMutableBytes(of: &digits) { raw in
            var i = raw.count
            repeat {
                i -= 1
                raw[i] = UInt8(48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if v < 0 {
                i -= 1
                raw[i] = UInt8(ascii: "-")
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i...]))
        }
    }

    private mutating func newline() {
        guard pretty else { return }
        bytes.append(0x0A)
        for _ in 0..<level {
            bytes.append(0x20)
            bytes.append(0x20)
        }
    }

    private mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    public mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = string
        s.withUTF8 { utf8 in
            var runStart = 0
            for i in 0..<utf8.count {
                let b = utf8[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                runStart = i + 1
                switch b {
                case 0x22:
                    bytes.append(0x5C)
                    bytes.append(0x22)
                case 0x5C:
                    bytes.append(0x5C)
                    bytes.append(0x5C)
                case 0x0A:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "n"))
                case 0x0D:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "r"))
                case 0x09:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "t"))
                case 0x08:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "b"))
                case 0x0C:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "f"))
                default:
                    bytes.append(contentsOf: [
                        0x5C, UInt8(ascii: "u"), 0x30, 0x30, Self.hex[Int(b >> 4)], Self.hex[Int(b & 0xF)],
                    ])
                }
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// The value as compact (or indented) UTF-8 JSON bytes.
    public func serialized(pretty: Bool = false) -> [UInt8] {
        var w = JSONWriter(pretty: pretty)
        w.write(self)
        return w.bytes
    }

    public func serializedString(pretty: Bool = false) -> String {
        String(decoding: serialized(pretty: pretty), as: UTF8.self)
    }
}
