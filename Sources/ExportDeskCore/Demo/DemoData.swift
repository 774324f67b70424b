import ExportDeskSchemas
import JSON
import Storage

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

    static let adjectives = [
        "Северный", "Уральский", "Волжский", "Сибирский", "Технический", "Промышленный", "Инновационный",
        "Приборный", "Агро", "Медицинский", "Энергетический", "Балтийский", "Московский", "Цифровой",
    ]
    static let nouns = [
        "Завод", "Комбинат", "Альянс", "Технополис", "Приборостроитель", "Экспорт", "Машзавод", "Биотех",
        "Агрохолдинг", "Электроника", "Станкостроитель", "Фармация", "Логистик", "Композит",
    ]
    static let latin = [
        "Severny", "Ural", "Volga", "Siberian", "Technical", "Industrial", "Innovation", "Instrument", "Agro",
        "Medical", "Energy", "Baltic", "Moscow", "Digital",
    ]
    static let first = ["Анна", "Олег", "Ирина", "Сергей", "Мария", "Дмитрий", "Елена", "Алексей", "Ольга", "Павел"]
    static let last = [
        "Смирнова", "Петров", "Кузнецова", "Соколов", "Попова", "Лебедев", "Новикова", "Морозов", "Волкова", "Фёдоров",
    ]
    static let positions = ["Директор по ВЭД", "Менеджер по экспорту", "Генеральный директор", "Коммерческий директор"]
    static let markets = ["CN", "SA", "MX", "IN", "AE", "TR", "KZ", "UZ", "VN", "EG", "BR", "ID", "BY", "RS"]
    static let okved = [
        "26.51", "26.60", "27.12", "28.29", "01.11", "10.89", "20.59", "21.20", "22.29", "25.62", "29.32", "32.50",
    ]
    static let hs = [
        "8471", "903180", "901890", "1001", "100199", "8708", "870899", "3004", "300490", "8537", "392690", "2106",
    ]
    static let tags = ["приборы", "медицина", "агро", "станки", "электроника", "фарма", "логистика", "композиты", "IT"]
    static let regions = ["77", "78", "50", "16", "66", "54", "52", "63", "02", "24"]

    /// The `companies.create` params of a programme of `count` companies, typed so that the compiler checks
    /// every value against the schema's enums.
    public static func companies(count: Int, seed: UInt64) -> [Params.CompaniesCreate] {
        typealias Company = Params.CompaniesCreate
        var g = Generator(state: seed)
        var out: [Company] = []
        for i in 0..<count {
            let individual = g.chance(0.15)
            let a = g.int(0...adjectives.count - 1)
            let n = g.pick(nouns)
            var c = Company(name: "")
            if individual {
                c.name = "ИП \(g.pick(last)) \(g.pick(first))"
                c.size = .micro
            } else {
                let form = g.pick(["ООО", "АО", "ООО", "ПАО"])
                c.name = "\(form) «\(adjectives[a]) \(n) \(i + 1)»"
                c.shortName = "\(adjectives[a]) \(n)"
                c.nameEn = "\(latin[a]) \(i + 1) LLC"
                c.size = g.pick([.micro, .small, .small, .medium, .medium, .large])
            }
            c.inn = inn(&g, individual: individual, number: i)
            c.ogrn = ogrn(&g, individual: individual)
            c.exportStatus = g.pick([.nonExporter, .beginner, .beginner, .active])
            c.okved = (0..<g.int(1...3)).map { _ in g.pick(okved) }.uniqued()
            c.hsCodes = (0..<g.int(1...3)).map { _ in g.pick(hs) }.uniqued()
            c.targetMarkets = (0..<g.int(1...3)).map { _ in g.pick(markets) }.uniqued()
            if c.exportStatus == .active {
                c.currentMarkets = (0..<g.int(1...2)).map { _ in g.pick(markets) }.uniqued()
                c.annualExportVolume = Records.Money(
                    amount: "\(g.int(1...900) * 100_000).00", currency: g.pick(["RUB", "USD", "CNY"]))
            }
            c.tags = (0..<g.int(0...2)).map { _ in g.pick(tags) }.uniqued()
            let contactName = "\(g.pick(first)) \(g.pick(last))"
            c.contacts = [
                Records.CompanyContact(
                    name: contactName, position: g.pick(positions), email: "export\(i + 1)@company\(i + 1).example.ru",
                    phone: "+7495\(String(g.int(1_000_000...9_999_999)))")
            ]
            c.website = "https://company\(i + 1).example.ru"
            out.append(c)
        }
        return out
    }

    /// What `load` created.
    public struct Counts: Sendable {
        public var companies = 0, staff = 0, events = 0, participations = 0, requests = 0
        public var strategies = 0, institutions = 0, agreements = 0, offers = 0, students = 0, placements = 0
        public init() {}
    }

    static let cities = [
        "CN": "Гуанчжоу", "SA": "Эр-Рияд", "MX": "Мехико", "IN": "Нью-Дели", "AE": "Дубай", "TR": "Стамбул",
        "KZ": "Алматы", "UZ": "Ташкент", "VN": "Ханой", "EG": "Каир", "BR": "Сан-Паулу", "ID": "Джакарта",
        "BY": "Минск", "RS": "Белград",
    ]
    static let fairs = [
        "Canton Fair", "Arab Health", "Expo Industrial", "Agro World", "Innoprom Asia", "Big 5", "MedExpo",
        "Food Africa",
    ]
    static let services = [
        "information_support", "consultation", "market_research", "export_strategy", "exhibition", "business_mission",
        "certification", "logistics", "financing", "legal", "partner_search", "authorities",
    ]

    /// Loads a generated programme into an empty database: per scale unit 1,000 companies, 12 staff, 150 events
    /// from 2019 to 2027 with their participations and results, and 280 support requests (SPEC's figures).
    public static func load(into store: any DataStore, scale: Int = 1, seed: UInt64 = 2024) async throws -> Counts {
        let existing = try await store.read { db in try db.scalar("SELECT count(*) FROM companies") ?? 0 }
        guard existing == 0 else {
            if try await holdsDemo(store) { throw AlreadyLoaded() }
            throw DemoError(
                description:
                    "the database already holds \(existing) companies of its own; demo data goes into an empty database"
            )
        }
        var counts = Counts()
        var g = Generator(state: seed ^ 0xA5A5)
        let companyIDs = try await loadCompanies(store, count: 1000 * scale, seed: seed, g: &g)
        counts.companies = companyIDs.count
        let staffCount = 12 * scale
        var staffIDs: [String] = []
        let staffRecords: [JSONObject] = (0..<staffCount).map { i in
            [
                "name": .string("\(first[i % first.count]) \(last[(i / first.count) % last.count])"),
                "email": .string("curator\(i + 1)@export-center.example.ru"),
                "position": .string(i % 4 == 0 ? "Руководитель направления" : "Куратор экспортного проекта"),
            ]
        }
        staffIDs = try await store.write { db in
            try staffRecords.map {
                try StaffRepository.create(
                    WriteContext(db: db, actor: "local:demo", action: "staff.create"),
                    try TypedRecords.params(Params.StaffCreate.self, $0)
                ).recordID
            }
        }
        counts.staff = staffIDs.count
        for chunk in stride(from: 0, to: 150 * scale, by: 100) {
            let plans = (chunk..<min(150 * scale, chunk + 100)).map { _ in EventPlan(&g, companies: companyIDs) }
            let made = try await store.write { db -> (Int, Int) in
                var participations = 0
                for plan in plans { participations += try plan.play(db) }
                return (plans.count, participations)
            }
            counts.events += made.0
            counts.participations += made.1
        }
        // Support requests in every state, about a third resolved, each taken through its lifecycle.
        for chunk in stride(from: 0, to: 280 * scale, by: 200) {
            let plans = (chunk..<min(280 * scale, chunk + 200)).map { _ in
                RequestPlan(&g, companies: companyIDs, staff: staffIDs)
            }
            counts.requests += try await store.write { db in
                for plan in plans { try plan.play(db) }
                return plans.count
            }
        }
        counts.strategies = try await loadStrategies(
            store, companies: companyIDs, staff: staffIDs, count: 60 * scale, g: &g)
        try await loadInternships(store, companies: companyIDs, scale: scale, g: &g, counts: &counts)
        return counts
    }

    static let goalMetrics: [Params.StrategiesCreate.Goal.Metric] = [
        .exportRevenue, .contracts, .newMarkets, .exhibitions, .businessMissions,
    ]

    /// Export strategies in every state: drafts, approved (some with recorded revenue), completed, archived.
    static func loadStrategies(
        _ store: any DataStore, companies: [String], staff: [String], count: Int, g: inout Generator
    ) async throws -> Int {
        var plans: [(Params.StrategiesCreate, [String])] = []
        for _ in 0..<count {
            let start = g.int(2024...2026)
            let country = g.pick(markets)
            let goals: [Params.StrategiesCreate.Goal] = (0..<g.int(1...3)).map { _ in
                let metric = g.pick(goalMetrics)
                let year = Int64(g.int(start...start + 2))
                let target = Int64(metric == .exportRevenue ? g.int(5...200) * 100_000 : g.int(1...5))
                return .init(
                    metric: metric, year: year, target: .int(target),
                    currency: metric == .exportRevenue ? g.pick(["USD", "RUB", "CNY"]) : nil)
            }
            // Drawn in this order so that a seed gives the same programme as before.
            let company = g.pick(companies)
            let curator = g.pick(staff)
            let entryMode: Params.StrategiesCreate.Market.EntryMode = g.pick([
                .distributor, .directExport, .marketplace,
            ])
            let fair = g.pick(fairs)
            let actionStatus: Params.StrategiesCreate.Action.Status = g.pick([.planned, .done])
            let strategy = Params.StrategiesCreate(
                title: "Выход на рынок: \(cities[country]!)", periodStart: Int64(start), periodEnd: Int64(start + 2),
                curatorId: curator, markets: [.init(country: country, priority: 1, entryMode: entryMode)],
                goals: goals, actions: [.init(key: "A1", title: "Участие в \(fair)", status: actionStatus)],
                companyId: company)
            let path = g.pick([[], ["approve"], ["approve"], ["approve", "complete"], ["archive"]])
            plans.append((strategy, path))
        }
        let all = plans
        return try await store.write { db -> Int in
            for (fields, path) in all {
                let id = try StrategyRepository.create(
                    WriteContext(db: db, actor: "local:demo", action: "strategies.create"), fields
                ).recordID
                for verb in path {
                    _ = try StrategyRepository.transition(
                        WriteContext(db: db, actor: "local:demo", action: "strategies.\(verb)"), verb: verb, id: id,
                        expectedVersion: nil)
                }
            }
            return all.count
        }
    }

    static func loadCompanies(
        _ store: any DataStore, count: Int, seed: UInt64, g: inout Generator
    ) async throws -> [String] {
        let records = companies(count: count, seed: seed)
        var ids: [String] = []
        for chunk in stride(from: 0, to: records.count, by: 200) {
            let batch = Array(records[chunk..<min(records.count, chunk + 200)])
            let archive = batch.indices.map { _ in g.chance(0.05) }
            ids += try await store.write { db -> [String] in
                var made: [String] = []
                for (record, archived) in zip(batch, archive) {
                    let id = try CompanyRepository.create(
                        WriteContext(db: db, actor: "local:demo", action: "companies.create"), record
                    ).recordID
                    if archived {
                        _ = try CompanyRepository.archive(
                            WriteContext(db: db, actor: "local:demo", action: "companies.archive"), id: id,
                            expectedVersion: nil)
                    } else {
                        made.append(id)
                    }
                }
                return made
            }
        }
        return ids
    }

    public struct DemoError: Error, CustomStringConvertible { public let description: String }
    /// The database already holds a demo programme (the quick start was run before): nothing to do.
    public struct AlreadyLoaded: Error {}

    /// Whether the demo wrote to this database (its changes carry the demo's actor).
    static func holdsDemo(_ store: any DataStore) async throws -> Bool {
        try await store.read { db in try db.scalar("SELECT 1 FROM changes WHERE actor = 'local:demo' LIMIT 1") != nil }
    }
}

extension Array where Element: Hashable {
    fileprivate func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

extension String {
    init(format2 v: Int) { self = v < 10 ? "0\(v)" : "\(v)" }
}
