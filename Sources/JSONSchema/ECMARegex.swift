/// Rewrites an ECMA-262 pattern for ICU (NSRegularExpression): in ECMA-262, `\d` and `\w` are ASCII-only,
/// `\s` includes U+FEFF and `$` is the end of input, while ICU's classes are Unicode-wide and its `$` also
/// matches before a final newline. Without this, `^\d{10}$` would accept Bengali digits.
enum ECMARegex {
    static func translate(_ pattern: String) -> String {
        var out = ""
        var inClass = false
        var chars = Array(pattern.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if c == "\\", let next = chars.popFirst() {
                switch next {
                case "d": out += inClass ? "0-9" : "[0-9]"
                case "w": out += inClass ? "A-Za-z0-9_" : "[A-Za-z0-9_]"
                case "s": out += inClass ? "\\s\\uFEFF" : "[\\s\\uFEFF]"
                case "D" where !inClass: out += "[^0-9]"
                case "W" where !inClass: out += "[^A-Za-z0-9_]"
                case "S" where !inClass: out += "[^\\s\\uFEFF]"
                default:
                    out.unicodeScalars.append(c)
                    out.unicodeScalars.append(next)
                }
                continue
            }
            if c == "$" && !inClass {
                // ECMA-262 `$` (without the m flag) is the very end of input; ICU's also matches before a final newline.
                out += "\\z"
                continue
            }
            if c == "[" && !inClass { inClass = true } else if c == "]" && inClass { inClass = false }
            out.unicodeScalars.append(c)
        }
        return out
    }
}
