/// The `format`s ExportDesk asserts (others are annotations only): date, date-time, email, uuid, uri.
public enum Format: String, Sendable, CaseIterable {
    case date
    case dateTime = "date-time"
    case email
    case uuid
    case uri

    var expectation: String {
        switch self {
        case .date: return "a date as YYYY-MM-DD"
        case .dateTime: return "a date-time as RFC 3339, e.g. 2026-11-22T10:30:00Z"
        case .email: return "an email address"
        case .uuid: return "a UUID"
        case .uri: return "an absolute URI"
        }
    }

    /// Whether `s` is in this format. `readonly` as `VerdictNode.accepts` is: the caller then keeps no copy.
    @_effects(readonly) public func accepts(_ s: String) -> Bool {
        // The checks read the string's UTF-8 in place: no array per value.
        s.withUTF8InPlace { accepts(bytes: $0[...]) }
    }

    private func accepts(bytes b: Bytes) -> Bool {
        switch self {
        case .date: return Self.isDate(b)
        case .dateTime: return Self.isDateTime(b)
        case .email: return Self.isEmail(b)
        case .uuid: return Self.isUUID(b)
        case .uri: return Self.isURI(b)
        }
    }

    /// A value's UTF-8 bytes, or a part of them, borrowed for the length of one check.
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    private static func digits(_ b: Bytes) -> Int? {
        guard !b.isEmpty, b.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return b.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    static func isDate(_ b: Bytes) -> Bool {
        guard b.count == 10 else { return false }
        let s = b.startIndex
        guard b[s + 4] == UInt8(ascii: "-"), b[s + 7] == UInt8(ascii: "-"),
            let y = digits(b[s..<s + 4]), let m = digits(b[s + 5..<s + 7]), let d = digits(b[s + 8..<s + 10])
        else { return false }
        guard (1...12).contains(m), d >= 1 else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days
    }

    static func isDateTime(_ b: Bytes) -> Bool {
        let s = b.startIndex
        guard b.count >= 20, b[s + 10] == UInt8(ascii: "T") || b[s + 10] == UInt8(ascii: "t"), isDate(b[s..<s + 10])
        else { return false }
        var t = b[(s + 11)...]
        guard t.count >= 9, t[t.startIndex + 2] == UInt8(ascii: ":"), t[t.startIndex + 5] == UInt8(ascii: ":"),
            let h = digits(t.prefix(2)), let mi = digits(t.dropFirst(3).prefix(2)),
            let sec = digits(t.dropFirst(6).prefix(2)),
            h <= 23, mi <= 59, sec <= 60
        else { return false }
        t = t.dropFirst(8)
        if t.first == UInt8(ascii: ".") {
            t = t.dropFirst()
            let frac = t.prefix { $0 >= 48 && $0 <= 57 }
            guard !frac.isEmpty else { return false }
            t = t.dropFirst(frac.count)
        }
        var offsetMinutes = 0
        if t.count == 1, t.first == UInt8(ascii: "Z") || t.first == UInt8(ascii: "z") {
            offsetMinutes = 0
        } else {
            guard t.count == 6, t.first == UInt8(ascii: "+") || t.first == UInt8(ascii: "-"),
                t[t.startIndex + 3] == UInt8(ascii: ":"),
                let oh = digits(t.dropFirst().prefix(2)), let om = digits(t.suffix(2)), oh <= 23, om <= 59
            else { return false }
            offsetMinutes = (oh * 60 + om) * (t.first == UInt8(ascii: "+") ? 1 : -1)
        }
        if sec == 60 {
            // A leap second is only ever 23:59:60 in UTC.
            let utc = ((h * 60 + mi - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func isUUID(_ b: Bytes) -> Bool {
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                if c != UInt8(ascii: "-") { return false }
            } else if !isHex(c) {
                return false
            }
        }
        return true
    }

    static func isHex(_ c: UInt8) -> Bool { (48...57).contains(c) || (65...70).contains(c) || (97...102).contains(c) }

    /// Characters allowed unquoted in an email local part (RFC 5322 atext and ".").
    private static let atext: [Bool] = {
        var table = [Bool](repeating: false, count: 128)
        for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.".utf8 {
            table[Int(c)] = true
        }
        return table
    }()

    static func isEmail(_ b: Bytes) -> Bool {
        guard let at = b.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = b[..<at]
        let domain = b[(at + 1)...]
        guard !local.isEmpty, !domain.isEmpty, local.count <= 64 else { return false }
        if local.first == UInt8(ascii: "\"") {
            guard local.count >= 2, local.last == UInt8(ascii: "\"") else { return false }
        } else {
            guard local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".") else { return false }
            var previousDot = false
            for c in local {
                if c == UInt8(ascii: ".") {
                    if previousDot { return false }
                    previousDot = true
                } else {
                    previousDot = false
                }
                guard c >= 0x80 || atext[Int(c)] else { return false }
            }
        }
        if domain.first == UInt8(ascii: "[") {
            guard domain.last == UInt8(ascii: "]") else { return false }
            let literal = String(decoding: domain.dropFirst().dropLast(), as: UTF8.self)
            if literal.hasPrefix("IPv6:") { return isIPv6(String(literal.dropFirst(5))) }
            return isIPv4(literal)
        }
        var labelStart = domain.startIndex
        var i = domain.startIndex
        while true {
            if i == domain.endIndex || domain[i] == UInt8(ascii: ".") {
                let label = domain[labelStart..<i]
                guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"),
                    label.last != UInt8(ascii: "-")
                else { return false }
                if i == domain.endIndex { return true }
                labelStart = i + 1
            } else {
                let c = domain[i]
                guard c >= 0x80 || isDigit(c) || isAlpha(c) || c == UInt8(ascii: "-") else { return false }
            }
            i += 1
        }
    }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { p in
                guard let v = Int(p), p.utf8.count <= 3, p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    return false
                }
                return v <= 255 && (p.count == 1 || !p.hasPrefix("0"))
            }
    }

    static func isIPv6(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.allSatisfy({ isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }) else {
            return false
        }
        var body = s
        var groupsFromIPv4 = 0
        if let lastColon = s.lastIndex(of: ":"), s[s.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(s[s.index(after: lastColon)...])) else { return false }
            body = String(s[...lastColon]) + "0:0"
            groupsFromIPv4 = 0
        }
        _ = groupsFromIPv4
        let halves = body.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ h: String) -> [Substring]? {
            if h.isEmpty { return [] }
            let g = h.split(separator: ":", omittingEmptySubsequences: false)
            return g.allSatisfy { !$0.isEmpty && $0.count <= 4 } ? g : nil
        }
        guard let first = groups(halves[0]) else { return false }
        if halves.count == 2 {
            guard let second = groups(halves[1]) else { return false }
            return first.count + second.count <= 7
        }
        return first.count == 8
    }

    /// RFC 3986 absolute URI (scheme required), checked character class by character class.
    static func isURI(_ b: Bytes) -> Bool {
        guard let colon = b.firstIndex(of: UInt8(ascii: ":")), colon > b.startIndex else { return false }
        let scheme = b[..<colon]
        guard isAlpha(scheme.first!),
            scheme.allSatisfy({ isAlpha($0) || isDigit($0) || $0 == 43 || $0 == 45 || $0 == 46 })
        else { return false }
        var rest = b[(colon + 1)...]
        var fragment: Bytes?
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) {
            fragment = rest[(hash + 1)...]
            rest = rest[..<hash]
        }
        var query: Bytes?
        if let q = rest.firstIndex(of: UInt8(ascii: "?")) {
            query = rest[(q + 1)...]
            rest = rest[..<q]
        }
        var path = rest
        if rest.starts(with: [47, 47]) {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex(of: 47) ?? afterSlashes.endIndex
            guard isAuthority(afterSlashes[..<end]) else { return false }
            path = afterSlashes[end...]
        }
        let pchar: (UInt8) -> Bool = { isUnreserved($0) || isSubDelim($0) || $0 == 58 || $0 == 64 }
        guard validPercent(path, allowing: { pchar($0) || $0 == 47 }) else { return false }
        if let query, !validPercent(query, allowing: { pchar($0) || $0 == 47 || $0 == 63 }) { return false }
        if let fragment, !validPercent(fragment, allowing: { pchar($0) || $0 == 47 || $0 == 63 }) { return false }
        return true
    }

    private static func isAuthority(_ a: Bytes) -> Bool {
        var hostPort = a
        if let at = a.lastIndex(of: 64) {
            guard validPercent(a[..<at], allowing: { isUnreserved($0) || isSubDelim($0) || $0 == 58 }) else {
                return false
            }
            hostPort = a[(at + 1)...]
        }
        var host = hostPort
        if hostPort.first == 91 {
            guard let close = hostPort.firstIndex(of: 93) else { return false }
            let literal = String(decoding: hostPort[(hostPort.startIndex + 1)..<close], as: UTF8.self)
            guard isIPv6(literal) || (literal.hasPrefix("v") || literal.hasPrefix("V")) else { return false }
            let after = hostPort[(close + 1)...]
            if !after.isEmpty { return after.first == 58 && after.dropFirst().allSatisfy(isDigit) }
            return true
        }
        if let colon = hostPort.lastIndex(of: 58) {
            guard hostPort[(colon + 1)...].allSatisfy(isDigit) else { return false }
            host = hostPort[..<colon]
        }
        return validPercent(host, allowing: { isUnreserved($0) || isSubDelim($0) })
    }

    private static func validPercent(_ s: Bytes, allowing ok: (UInt8) -> Bool) -> Bool {
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == 37 {
                guard s.endIndex - i >= 3, isHex(s[i + 1]), isHex(s[i + 2]) else { return false }
                i += 3
                continue
            }
            if !ok(c) { return false }
            i += 1
        }
        return true
    }

    private static func isAlpha(_ c: UInt8) -> Bool { (65...90).contains(c) || (97...122).contains(c) }
    private static func isDigit(_ c: UInt8) -> Bool { (48...57).contains(c) }
    private static func isUnreserved(_ c: UInt8) -> Bool {
        isAlpha(c) || isDigit(c) || c == 45 || c == 46 || c == 95 || c == 126
    }
    private static func isSubDelim(_ c: UInt8) -> Bool {
        // A switch, not a set: this runs for every character of a URI.
        switch c {
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="):
            return true
        default: return false
        }
    }
}
