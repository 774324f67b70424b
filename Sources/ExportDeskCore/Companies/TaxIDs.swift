/// Russian tax identifiers with their real check digits.
public enum TaxIDs {
    private static func digits(_ s: String) -> [Int]? {
        let d = s.utf8.map { Int($0) - 48 }
        return d.allSatisfy({ (0...9).contains($0) }) ? d : nil
    }

    private static func check(_ d: [Int], _ weights: [Int]) -> Int {
        zip(d, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11 % 10
    }

    /// INN: 10 digits (legal entity, one check digit) or 12 digits (individual, two check digits).
    public static func isValidINN(_ s: String) -> Bool {
        guard let d = digits(s) else { return false }
        switch d.count {
        case 10:
            return check(d, [2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9]
        case 12:
            return check(d, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10]
                && check(d, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11]
        default:
            return false
        }
    }

    /// OGRN (13 digits, legal entity: first 12 mod 11) or OGRNIP (15 digits, sole proprietor: first 14 mod 13);
    /// the remainder's last digit is the check digit.
    public static func isValidOGRN(_ s: String) -> Bool {
        guard let d = digits(s), d.count == 13 || d.count == 15 else { return false }
        let modulus = d.count == 13 ? 11 : 13
        var remainder = 0
        for x in d.dropLast() { remainder = (remainder * 10 + x) % modulus }
        return remainder % 10 == d.last!
    }
}
