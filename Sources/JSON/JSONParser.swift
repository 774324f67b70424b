/// Why a text is not JSON, and the byte offset where that was found.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case unexpectedEnd = "unexpected end of input"
        case unexpectedCharacter = "unexpected character"
        case invalidNumber = "invalid number"
        case invalidEscape = "invalid escape sequence"
        case controlCharacterInString = "unescaped control character in string"
        case invalidUTF8 = "invalid UTF-8"
        case loneSurrogate = "lone UTF-16 surrogate in \\u escape"
        case tooDeep = "nesting too deep"
        case trailingData = "unexpected data after the JSON value"
    }
    public var kind: Kind
    public var offset: Int
    public var description: String { "\(kind.rawValue) at byte \(offset)" }
}

/// A strict RFC 8259 parser from UTF-8 bytes. Rejects everything the RFC does not allow.
public struct JSONParser {
    public static let defaultMaxDepth = 128

    /// Parses one complete JSON text; `maxDepth` bounds the nesting of arrays and objects.
    public static func parse(
        _ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth
    ) throws(JSONParseError) -> JSONValue {
        var result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            var p = JSONParser(buffer, maxDepth: maxDepth)
            return Result { () throws(JSONParseError) -> JSONValue in try p.parseDocument() }
        }
        if result == nil {
            result = Array(bytes).withUnsafeBufferPointer { buffer in
                var p = JSONParser(buffer, maxDepth: maxDepth)
                return Result { () throws(JSONParseError) -> JSONValue in try p.parseDocument() }
            }
        }
        return try result!.get()
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    /// Parses one complete JSON text as `parse` does, except that a top-level object is not built: each of its
    /// members is handed to `member` in document order, and the answer is nil. Any other value is answered. A
    /// caller that keeps a few named members (a JSON-RPC request) saves the object's arrays and lookups. On a
    /// parse error some members may have been handed over already; the caller discards them with the error.
    public static func parse(
        _ bytes: [UInt8], maxDepth: Int = defaultMaxDepth, objectMembers member: (String, JSONValue) -> Void
    ) throws(JSONParseError) -> JSONValue? {
        let result = bytes.withUnsafeBufferPointer { buffer in
            var p = JSONParser(buffer, maxDepth: maxDepth)
            return Result { () throws(JSONParseError) -> JSONValue? in
                p.skipWhitespace()
                guard p.index < buffer.count, buffer[p.index] == UInt8(ascii: "{") else { return try p.parseDocument() }
                try p.parseMembers(member)
                p.skipWhitespace()
                if p.index != buffer.count { throw p.fail(.trailingData) }
                return nil
            }
        }
        return try result.get()
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    let maxDepth: Int
    var depth = 0
    var scratch: [UInt8] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func fail(_ kind: JSONParseError.Kind) -> JSONParseError { JSONParseError(kind: kind, offset: index) }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index != bytes.count { throw fail(.trailingData) }
        return value
    }

    @inline(__always) mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw fail(.unexpectedEnd) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail(.unexpectedCharacter)
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else {
            // Distinguish a cut-off literal from a wrong one for a clearer message.
            throw fail(.unexpectedEnd)
        }
        let p = word.utf8Start
        for i in 0..<count where bytes[index + i] != p[i] {
            index += i
            throw fail(.unexpectedCharacter)
        }
        index += count
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth { throw fail(.tooDeep) }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        elements.reserveCapacity(4)  // one allocation for a short array, instead of growing from one item
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            let b = bytes[index]
            index += 1
            if b == UInt8(ascii: ",") { continue }
            if b == UInt8(ascii: "]") { break }
            index -= 1
            throw fail(.unexpectedCharacter)
        }
        depth -= 1
        return .array(elements)
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        // Room for a small object at once: growing the member arrays one by one cost a request's envelope six
        // allocations. The subscript keeps the last value of a repeated key. `{}` allocates nothing.
        var object = JSONObject()
        try parseMembers { key, value in
            if object.isEmpty { object = JSONObject(reservingCapacity: 4) }
            object[key] = value
        }
        return .object(object)
    }

    /// An object's members, each handed to `take` as it is read (the object itself is the caller's to build).
    @inline(__always) private mutating func parseMembers(
        _ take: (String, JSONValue) -> Void
    ) throws(JSONParseError) {
        try enter()
        index += 1
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            guard bytes[index] == UInt8(ascii: "\"") else { throw fail(.unexpectedCharacter) }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            guard bytes[index] == UInt8(ascii: ":") else { throw fail(.unexpectedCharacter) }
            index += 1
            skipWhitespace()
            take(key, try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            let b = bytes[index]
            index += 1
            if b == UInt8(ascii: ",") { continue }
            if b == UInt8(ascii: "}") { break }
            index -= 1
            throw fail(.unexpectedCharacter)
        }
        depth -= 1
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = index
        var plainInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw fail(.unexpectedEnd) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if isDigit(bytes[index]) {
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        } else {
            throw fail(.invalidNumber)
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            plainInteger = false
            index += 1
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            guard isDigit(bytes[index]) else { throw fail(.invalidNumber) }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            plainInteger = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard index < bytes.count else { throw fail(.unexpectedEnd) }
            guard isDigit(bytes[index]) else { throw fail(.invalidNumber) }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
        let negativeZero = slice.count == 2 && slice[0] == UInt8(ascii: "-") && slice[1] == UInt8(ascii: "0")
        if plainInteger && !negativeZero && slice.count <= 20, let value = Self.int64(slice) {
            return .int(value)
        }
        return .literal(String(decoding: slice, as: UTF8.self))
    }

    /// Parses a validated integer literal without allocating; nil on overflow.
    private static func int64(_ digits: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let negative = digits[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var value: Int64 = 0
        while i < digits.count {
            let d = Int64(digits[i] &- 48)
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        return value
    }

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}
