import JSON
import SQLiteStore

/// A realistic, generated (never copied) programme for `exportdesk demo`: companies with Cyrillic names,
/// checksum-valid INNs and OGRNs, markets, contacts. Deterministic for a given seed.
public struct DemoData {
    /// SplitMix64: small, fast, and the same sequence on every machine.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
    }

    static let adjectives = ["Северный", "Уральский", "Волжский", "Сибирский", "Технический", "Промышленный", "Инновационный",
                             "Приборный", "Агро", "Медицинский", "Энергетический", "Балтийский", "Московский", "Цифровой"]
    static let nouns = ["Завод", "Комбинат", "Альянс", "Технополис", "Приборостроитель", "Экспорт", "Машзавод", "Биотех",
                        "Агрохолдинг", "Электроника", "Станкостроитель", "Фармация", "Логистик", "Композит"]
    static let latin = ["Severny", "Ural", "Volga", "Siberian", "Technical", "Industrial", "Innovation", "Instrument", "Agro",
                        "Medical", "Energy", "Baltic", "Moscow", "Digital"]
    static let first = ["Анна", "Олег", "Ирина", "Сергей", "Мария", "Дмитрий", "Елена", "Алексей", "Ольга", "Павел"]
    static let last = ["Смирнова", "Петров", "Кузнецова", "Соколов", "Попова", "Лебедев", "Новикова", "Морозов", "Волкова", "Фёдоров"]
    static let positions = ["Директор по ВЭД", "Менеджер по экспорту", "Генеральный директор", "Коммерческий директор"]
    static let markets = ["CN", "SA", "MX", "IN", "AE", "TR", "KZ", "UZ", "VN", "EG", "BR", "ID", "BY", "RS"]
    static let okved = ["26.51", "26.60", "27.12", "28.29", "01.11", "10.89", "20.59", "21.20", "22.29", "25.62", "29.32", "32.50"]
    static let hs = ["8471", "903180", "901890", "1001", "100199", "8708", "870899", "3004", "300490", "8537", "392690", "2106"]
    static let tags = ["приборы", "медицина", "агро", "станки", "электроника", "фарма", "логистика", "композиты", "IT"]
    static let regions = ["77", "78", "50", "16", "66", "54", "52", "63", "02", "24"]

    /// A 10-digit INN (legal entity) or 12-digit INN (individual) with correct check digits.
    static func inn(_ g: inout Generator, individual: Bool) -> String {
        func check(_ d: [Int], _ w: [Int]) -> Int { zip(d, w).reduce(0) { $0 + $1.0 * $1.1 } % 11 % 10 }
        var d = Array(g.pick(regions)).map { Int(String($0))! }
        while d.count < (individual ? 10 : 9) { d.append(g.int(0...9)) }
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

    /// The company records (create params) of a programme of `count` companies.
    public static func companies(count: Int, seed: UInt64) -> [JSONObject] {
        var g = Generator(state: seed)
        var out: [JSONObject] = []
        for i in 0..<count {
            let individual = g.chance(0.15)
            let a = g.int(0...adjectives.count - 1), n = g.pick(nouns)
            var c: JSONObject = [:]
            if individual {
                let person = "\(g.pick(last)) \(g.pick(first))"
                c["name"] = .string("ИП \(person)")
                c["size"] = "micro"
            } else {
                let form = g.pick(["ООО", "АО", "ООО", "ПАО"])
                c["name"] = .string("\(form) «\(adjectives[a]) \(n) \(i + 1)»")
                c["shortName"] = .string("\(adjectives[a]) \(n)")
                c["nameEn"] = .string("\(latin[a]) \(i + 1) LLC")
                c["size"] = .string(g.pick(["micro", "small", "small", "medium", "medium", "large"]))
            }
            c["inn"] = .string(inn(&g, individual: individual))
            c["ogrn"] = .string(ogrn(&g, individual: individual))
            c["exportStatus"] = .string(g.pick(["non_exporter", "beginner", "beginner", "active"]))
            c["okved"] = .array((0..<g.int(1...3)).map { _ in .string(g.pick(okved)) }.uniqued())
            c["hsCodes"] = .array((0..<g.int(1...3)).map { _ in .string(g.pick(hs)) }.uniqued())
            c["targetMarkets"] = .array((0..<g.int(1...3)).map { _ in .string(g.pick(markets)) }.uniqued())
            if c["exportStatus"] == "active" {
                c["currentMarkets"] = .array((0..<g.int(1...2)).map { _ in .string(g.pick(markets)) }.uniqued())
                c["annualExportVolume"] = ["amount": .string("\(g.int(1...900) * 100_000).00"), "currency": .string(g.pick(["RUB", "USD", "CNY"]))]
            }
            c["tags"] = .array((0..<g.int(0...2)).map { _ in .string(g.pick(tags)) }.uniqued())
            let contactName = "\(g.pick(first)) \(g.pick(last))"
            c["contacts"] = [["name": .string(contactName), "position": .string(g.pick(positions)),
                              "email": .string("export\(i + 1)@company\(i + 1).example.ru"),
                              "phone": .string("+7495\(String(g.int(1_000_000...9_999_999)))")]]
            c["website"] = .string("https://company\(i + 1).example.ru")
            out.append(c)
        }
        return out
    }

    /// Loads the demo programme into an empty database; returns how many companies it created.
    public static func load(into store: Store, companies count: Int = 1000, seed: UInt64 = 2024) async throws -> Int {
        let existing = try await store.read { db in try db.scalar("SELECT count(*) FROM companies") ?? 0 }
        guard existing == 0 else { throw DemoError(description: "the database already holds \(existing) companies; demo data goes into an empty database") }
        let records = companies(count: count, seed: seed)
        var g = Generator(state: seed ^ 0xA5A5)
        for chunk in stride(from: 0, to: records.count, by: 200) {
            let batch = Array(records[chunk..<min(records.count, chunk + 200)])
            let archive = batch.indices.map { _ in g.chance(0.05) }
            try await store.write { db in
                for (record, archived) in zip(batch, archive) {
                    let created = try CompanyRepository.create(WriteContext(db: db, actor: "local:demo", action: "companies.create"), fields: record)
                    if archived, let id = created["id"]?.stringValue {
                        _ = try CompanyRepository.archive(WriteContext(db: db, actor: "local:demo", action: "companies.archive"), id: id, expectedVersion: nil)
                    }
                }
            }
        }
        return records.count
    }

    public struct DemoError: Error, CustomStringConvertible { public let description: String }
}

extension Array where Element == JSONValue {
    fileprivate func uniqued() -> [JSONValue] {
        var seen = Set<JSONValue>()
        return filter { seen.insert($0).inserted }
    }
}

extension String {
    fileprivate init(format2 v: Int) { self = v < 10 ? "0\(v)" : "\(v)" }
}
