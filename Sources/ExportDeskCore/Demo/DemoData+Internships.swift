import ExportDeskSchemas
import JSON
import Storage

/// The demo's internship programme (Техностажировка), written through the repositories.
extension DemoData {
    static let colleges = [
        "Колледж автоматизации и информационных технологий № %d", "Политехнический колледж № %d", "Колледж связи № %d",
        "Технологический колледж № %d",
    ]
    static let universities = [
        "Государственный технологический университет", "Университет машиностроения", "Институт электронной техники",
    ]
    static let specialties = [
        "15.02.10 Мехатроника", "09.02.07 Информационные системы", "15.02.16 Технология машиностроения",
        "11.02.16 Монтаж электронных приборов", "38.02.03 Операционная деятельность в логистике",
        "18.02.12 Технология аналитического контроля",
    ]
    static let studentFirst = [
        "Илья", "Мария", "Артём", "Софья", "Никита", "Дарья", "Кирилл", "Полина", "Максим", "Алиса",
    ]
    static let studentLast = [
        "Иванов", "Смирнова", "Кузнецов", "Попова", "Васильев", "Соколова", "Михайлов", "Новикова", "Фёдоров",
        "Морозова",
    ]

    /// Техностажировка: per scale unit 12 institutions with agreements (one terminated, one expired), 40 offers
    /// at host companies, 400 students and placements in every state — written through the repositories, so
    /// every placement keeps the programme's rules (a proposal that breaks one is simply not made).
    static func loadInternships(
        _ store: any DataStore, companies: [String], scale: Int, g: inout Generator, counts: inout Counts
    ) async throws {
        var institutions: [(JSONObject, [(String, String, String?)])] = []
        for i in 0..<12 * scale {
            let university = i % 3 == 2
            let name =
                university
                ? "\(universities[i % universities.count]) (филиал \(i + 1))"
                : String(format: colleges[i % colleges.count], i + 1)
            var agreements: [(String, String, String?)] = [("2025-09-01", "2028-08-31", nil)]
            if i % 6 == 1 { agreements = [("2025-09-01", "2028-08-31", "2027-06-01")] }  // terminated from June 2027
            if i % 6 == 4 { agreements.append(("2022-09-01", "2025-08-31", nil)) }  // an expired earlier one
            institutions.append(
                (
                    [
                        "name": .string(name), "kind": .string(university ? "university" : "college"), "city": "Москва",
                        "externalRef": ["system": "college-sis", "id": .string("I-\(i + 1)")],
                    ], agreements
                ))
        }
        var offers: [JSONObject] = []
        for i in 0..<40 * scale {
            let month = g.int(1...8)
            let year = g.pick([2026, 2027, 2027])
            let start = "\(year)-\(String(format2: month))-01"
            let end = "\(year)-\(String(format2: month + 3))-28"
            offers.append([
                "companyId": .string(g.pick(companies)),
                "title": .string(
                    g.pick([
                        "Стажёр-наладчик", "Младший разработчик", "Помощник логиста", "Лаборант ОТК",
                        "Техник-электроник",
                    ])),
                "specialties": [.string(String(g.pick(specialties).prefix(8)))], "location": "Москва",
                "startsOn": .string(start), "endsOn": .string(end),
                "slots": .number(.int(Int64(g.int(2...6)))),
                "description": .string("Практика № \(i + 1) на производстве"),
                "mentor": ["name": .string("\(g.pick(first)) \(g.pick(last))"), "position": "Наставник"],
            ])
        }
        var students: [(Int, JSONObject)] = []
        for i in 0..<400 * scale {
            let specialty = g.pick(specialties)
            students.append(
                (
                    g.int(0...institutions.count - 1),
                    [
                        "fullName": .string("\(g.pick(studentLast)) \(g.pick(studentFirst))"),
                        "specialty": .string(specialty),
                        "course": .number(.int(Int64(g.int(2...4)))),
                        "birthDate": .string(
                            "\(g.int(2003...2008))-\(String(format2: g.int(1...12)))-\(String(format2: g.int(1...28)))"),
                        "email": .string("student\(i + 1)@college.example.ru"),
                        "externalRef": ["system": "college-sis", "id": .string("S-\(i + 1)")],
                    ]
                ))
        }
        let finals = (0..<students.count).map { _ in
            g.pick(["proposed", "confirmed", "active", "completed", "completed", "cancelled", "terminated"])
        }
        let grades = (0..<students.count).map { _ in g.int(3...5) }
        let offerPicks = (0..<students.count).map { _ in g.int(0...max(0, offers.count - 1)) }
        let allInstitutions = institutions
        let allOffers = offers
        let allStudents = students
        counts = try await store.write { [counts] db -> Counts in
            var counts = counts
            func ctx(_ action: String) -> WriteContext { WriteContext(db: db, actor: "local:demo", action: action) }
            var institutionIDs: [String] = []
            for (fields, agreements) in allInstitutions {
                let id = try InstitutionRepository.create(
                    ctx("institutions.create"), try TypedRecords.params(Params.InstitutionsCreate.self, fields)
                ).recordID
                institutionIDs.append(id)
                for (n, (from, to, terminatedOn)) in agreements.enumerated() {
                    let ag = try AgreementRepository.create(
                        ctx("agreements.create"),
                        Params.AgreementsCreate(
                            number: "\(n + 1)/\(from.prefix(4))-ТС", signedOn: from, validFrom: from, validTo: to,
                            quota: 40, institutionId: id))
                    if let terminatedOn {
                        _ = try AgreementRepository.terminate(
                            ctx("agreements.terminate"), id: ag.recordID, reason: "Реорганизация колледжа",
                            effectiveOn: terminatedOn, expectedVersion: nil)
                    }
                    counts.agreements += 1
                }
            }
            counts.institutions = institutionIDs.count
            var offerIDs: [String] = []
            for (i, fields) in allOffers.enumerated() {
                let id = try OfferRepository.create(
                    ctx("offers.create"), try TypedRecords.params(Params.OffersCreate.self, fields)
                ).recordID
                if i % 10 != 9 {
                    _ = try OfferRepository.transition(ctx("offers.open"), verb: "open", id: id, expectedVersion: nil)
                }
                offerIDs.append(id)
            }
            counts.offers = offerIDs.count
            for (i, (institution, fields)) in allStudents.enumerated() {
                var f = fields
                f["institutionId"] = .string(institutionIDs[institution])
                let student = try StudentRepository.create(
                    ctx("students.create"), try TypedRecords.params(Params.StudentsCreate.self, f)
                ).recordID
                counts.students += 1
                guard !offerIDs.isEmpty, i % 8 != 7 else { continue }  // some students are not placed yet
                let offer = offerIDs[offerPicks[i]]
                do {
                    let placement = try PlacementRepository.propose(
                        ctx("placements.propose"), fields: ["studentId": .string(student), "offerId": .string(offer)])[
                            "id"]!.stringValue!
                    counts.placements += 1
                    let path: [String: [String]] = [
                        "proposed": [], "confirmed": ["confirm"], "active": ["confirm", "start"],
                        "completed": ["confirm", "start", "complete"],
                        "cancelled": ["cancel"], "terminated": ["confirm", "start", "terminate"],
                    ]
                    for verb in path[finals[i]] ?? [] {
                        let c = ctx("placements.\(verb)")
                        switch verb {
                        case "confirm": _ = try PlacementRepository.confirm(c, .init(id: placement))
                        case "start": _ = try PlacementRepository.start(c, .init(id: placement))
                        case "complete":
                            _ = try PlacementRepository.complete(
                                c,
                                .init(
                                    id: placement, hours: Int64(grades[i] * 80), grade: Int64(grades[i]),
                                    feedback: "Освоил оборудование участка",
                                    competencies: ["наладка", "чтение чертежей"]))
                        case "cancel":
                            _ = try PlacementRepository.cancel(
                                c, .init(id: placement, reason: "Студент выбрал другое место"))
                        default:
                            _ = try PlacementRepository.terminate(c, .init(id: placement, reason: "Нарушение графика"))
                        }
                    }
                } catch let error as DomainError where [.ruleViolation, .capacityExceeded].contains(error.kind) {
                    continue  // the offer is full or outside the agreement: a real programme would pick another
                }
            }
            return counts
        }
    }
}
