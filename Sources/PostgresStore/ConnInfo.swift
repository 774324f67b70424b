/// Connection strings as people may see them: the password taken out, whether it was in a URL
/// (`postgresql://user:secret@host/db`, `?password=secret`) or a `key=value` string (`password=secret`).
public enum ConnInfo {
    public static func redacted(_ conninfo: String) -> String {
        if conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://") {
            var s = conninfo
            if let scheme = s.range(of: "://") {
                let rest = s[scheme.upperBound...]
                let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
                if let at = rest[..<authorityEnd].lastIndex(of: "@"),
                    let colon = rest[..<at].firstIndex(of: ":")
                {
                    s.replaceSubrange(colon..<at, with: ":***")
                }
            }
            return redactParameter(in: s, separator: "&")
        }
        return redactParameter(in: conninfo, separator: " ")
    }

    /// `password=…` up to the next separator (or, quoted, to its closing quote) becomes `password=***`.
    private static func redactParameter(in s: String, separator: Character) -> String {
        var out = ""
        var rest = Substring(s)
        while let r = rest.range(of: "password=") {
            let before = rest[..<r.lowerBound]
            let boundary = before.last.map { $0 == separator || $0 == "?" || $0 == " " || $0 == "&" } ?? true
            out += rest[..<r.upperBound]
            rest = rest[r.upperBound...]
            guard boundary else { continue }
            out += "***"
            if rest.first == "'" {
                var i = rest.index(after: rest.startIndex)
                while i < rest.endIndex && rest[i] != "'" {
                    if rest[i] == "\\" { i = rest.index(after: i) }
                    if i < rest.endIndex { i = rest.index(after: i) }
                }
                rest = i < rest.endIndex ? rest[rest.index(after: i)...] : ""
            } else {
                rest = rest[(rest.firstIndex(where: { $0 == separator || $0 == "&" || $0 == " " }) ?? rest.endIndex)...]
            }
        }
        return out + rest
    }
}
