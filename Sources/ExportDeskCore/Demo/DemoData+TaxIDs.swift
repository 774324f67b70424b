/// The demo's tax ids: checksum-valid INNs and OGRNs, generated, never copied from a register.
extension DemoData {
    /// A 10-digit INN (legal entity) or 12-digit INN (individual) with correct check digits. The digits after
    /// the region come from the company's number, so INNs never repeat (up to ten million companies).
    static func inn(_ g: inout Generator, individual: Bool, number: Int) -> String {
        func check(_ d: [Int], _ w: [Int]) -> Int { zip(d, w).reduce(0) { $0 + $1.0 * $1.1 } % 11 % 10 }
        var d = Array(g.pick(regions)).map { Int(String($0))! }
        let serial = String(number)
        let width = individual ? 8 : 7
        d += (String(repeating: "0", count: max(0, width - serial.count)) + serial).map { Int(String($0))! }
        if individual {
            d.append(check(d, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]))
            d.append(check(d, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]))
        } else {
            d.append(check(d, [2, 4, 10, 3, 5, 9, 4, 6, 8]))
        }
        return d.map { String($0) }.joined()
    }

    /// OGRN (13 digits, mod 11) or OGRNIP (15 digits, mod 13).
    static func ogrn(_ g: inout Generator, individual: Bool) -> String {
        var s = individual ? "3" : "1"
        s += String(format2: g.int(2...24)) + g.pick(regions)
        while s.count < (individual ? 14 : 12) { s += String(g.int(0...9)) }
        let n = Int64(s)!
        return s + String(n % (individual ? 13 : 11) % 10)
    }
}
