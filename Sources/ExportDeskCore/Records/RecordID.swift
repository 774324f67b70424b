import Support
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Server-generated ids: a two-letter kind prefix and a 26-character ULID (48-bit milliseconds, 80 random
/// bits, Crockford base32), so ids sort by creation time: `co_01JD…`.
public enum RecordID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let state = Mutex<(millis: Int64, random: (UInt64, UInt16))>((0, (0, 0)))

    public static func make(_ prefix: String, millis: Int64 = WallClock.nowMillis) -> String {
        let (ms, random) = state.withLock { s -> (Int64, (UInt64, UInt16)) in
            if millis <= s.millis {
                // Same millisecond (or a clock step back): keep ids increasing by incrementing the random part.
                var (hi, lo) = s.random
                lo &+= 1
                if lo == 0 { hi &+= 1 }
                s.random = (hi, lo)
            } else {
                s.millis = millis
                var rng = SystemRandomNumberGenerator()
                // The top bit stays clear, leaving headroom so increments never wrap in practice.
                s.random = (rng.next() >> 1, UInt16.random(in: 0...UInt16.max, using: &rng))
            }
            return (s.millis, s.random)
        }
        var out = Array(prefix.utf8) + [UInt8(ascii: "_")]
        var t = UInt64(ms)
        var timeChars = [UInt8](repeating: 0, count: 10)
        for i in (0..<10).reversed() {
            timeChars[i] = alphabet[Int(t & 31)]
            t >>= 5
        }
        out += timeChars
        // 80 random bits = 64 (hi) + 16 (lo), written as 16 base32 characters, most significant first.
        func bit(_ p: Int) -> Int { p < 16 ? Int(random.1 >> UInt16(p)) & 1 : Int(random.0 >> UInt64(p - 16)) & 1 }
        for c in 0..<16 {
            var v = 0
            for b in 0..<5 { v = v << 1 | bit(79 - c * 5 - b) }
            out.append(alphabet[v])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The kind prefix of an id ("co" for "co_01…"), or nil when malformed.
    public static func prefix(of id: String) -> String? {
        let parts = id.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 2 else { return nil }
        return String(parts[0])
    }
}
