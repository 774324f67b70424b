import JSON

/// `exportdesk report … --html`: one self-contained page (inline CSS and SVG, no script, font or image from
/// the network) in Russian, for a screen and for A4, drawn from one report method's answer and nothing else.
/// Every figure carries `data-key`, the path of the answer it shows, so a test can hold the page to it.
public enum ReportPage {
    public static let kinds = [
        "summary": "reports.summary", "events": "reports.events", "internships": "reports.internships",
        "requests": "reports.requests",
    ]

    static let services = [
        "information_support": "Информационная поддержка", "consultation": "Консультация",
        "market_research": "Исследование рынка",
        "export_strategy": "Экспортная стратегия", "exhibition": "Выставка", "business_mission": "Бизнес-миссия",
        "certification": "Сертификация", "logistics": "Логистика", "financing": "Финансирование",
        "legal": "Правовые вопросы",
        "partner_search": "Поиск партнёров", "authorities": "Органы власти",
    ]
    static let channels = ["phone": "Телефон", "email": "Эл. почта", "portal": "Портал", "in_person": "Лично"]
    static let statuses = [
        "applied": "Заявка", "approved": "Одобрено", "waitlisted": "Лист ожидания", "rejected": "Отклонено",
        "withdrawn": "Отозвано",
        "attended": "Участвовали", "no_show": "Не явились", "cancelled": "Отменено", "proposed": "Предложено",
        "confirmed": "Подтверждено",
        "active": "Идёт", "completed": "Завершено", "terminated": "Прервано", "new": "Новые", "assigned": "Назначены",
        "in_progress": "В работе", "resolved": "Решены", "draft": "Черновик", "open": "Открыто", "closed": "Закрыто",
    ]

    public static func render(kind: String, answer: JSONValue, generated: String) -> String {
        switch kind {
        case "events": return events(answer, generated)
        case "internships": return internships(answer, generated)
        case "requests": return requests(answer, generated)
        default: return summary(answer, generated)
        }
    }

    static func summary(_ a: JSONValue, _ generated: String) -> String {
        var body = "<h2>Главные цифры</h2><div class=\"headlines\">"
        body += HTML.headline("компаний получили поддержку", a["companiesServed"], key: "/companiesServed")
        body += HTML.headline("выставок и бизнес-миссий", a["events"]?["total"], key: "/events/total")
        body += HTML.headline("контрактов подписано", a["contracts"]?["signed"], key: "/contracts/signed")
        body += HTML.headline("обращений получено", a["requests"]?["total"], key: "/requests/total")
        body += HTML.headline("обращений решено", a["requests"]?["resolved"], key: "/requests/resolved")
        body += HTML.headline("обращений в работе", a["requests"]?["inWork"], key: "/requests/inWork")
        body += HTML.headline(
            "студентов на стажировках", a["internships"]?["studentsPlaced"], key: "/internships/studentsPlaced")
        body += HTML.headline(
            "принимающих компаний", a["internships"]?["hostCompanies"], key: "/internships/hostCompanies")
        body += "</div>"
        let years = a["byYear"]?.arrayValue ?? []
        body += "<h2>Выставки и бизнес-миссии</h2>"
        body += HTML.bars("По странам", counts: a["events"]?["byCountry"], key: "/events/byCountry")
        body += HTML.bars(
            "По годам",
            years.enumerated().map { (i, y) in
                (
                    label: HTML.plain(y["year"]), value: Double(y["events"]?.int64Value ?? 0),
                    key: "/byYear/\(i)/events", shown: y["events"] ?? 0
                )
            }, limit: 40, ordered: true)
        let funnel = a["participations"]?["byStatus"]
        body += HTML.bars(
            "Воронка участия",
            ["applied", "approved", "waitlisted", "attended", "no_show", "rejected", "withdrawn"].compactMap { s in
                funnel?[s].map {
                    (
                        label: statuses[s] ?? s, value: Double($0.int64Value ?? 0),
                        key: "/participations/byStatus/\(s)", shown: $0
                    )
                }
            }, ordered: true)
        body += "<h3>Контракты по годам и валютам</h3>"
        body += HTML.table(
            ["Год", "Контрактов", "Сумма"],
            years.enumerated().map { (i, y) in
                let values = (y["contractsValue"]?.arrayValue ?? []).enumerated().map { (j, m) in
                    HTML.figure(m["amount"], key: "/byYear/\(i)/contractsValue/\(j)/amount") + " "
                        + HTML.escape(m["currency"]?.stringValue ?? "")
                }.joined(separator: "<br>")
                return [
                    HTML.figure(y["year"], key: "/byYear/\(i)/year"),
                    HTML.figure(y["contractsSigned"], key: "/byYear/\(i)/contractsSigned"),
                    values.isEmpty ? "—" : values,
                ]
            })
        body += "<h2>Обращения</h2>"
        body += HTML.bars("По темам", counts: a["requests"]?["byService"], key: "/requests/byService", names: services)
        body += HTML.bars(
            "По каналам", counts: a["requests"]?["byChannel"], key: "/requests/byChannel", names: channels)
        let r = a["requests"]
        body +=
            "<h3>Сроки решения</h3><p>Медиана: \(HTML.figure(r?["resolutionDays"]?["median"], key: "/requests/resolutionDays/median")) дн.; "
            + "90-й процентиль: \(HTML.figure(r?["resolutionDays"]?["p90"], key: "/requests/resolutionDays/p90")) дн. "
            + "(решено \(HTML.figure(r?["resolutionDays"]?["count"], key: "/requests/resolutionDays/count")))</p>"
        body += HTML.table(
            ["Статус", "Обращений"],
            [
                ["Решены", HTML.figure(r?["resolved"], key: "/requests/resolved")],
                ["Отклонены", HTML.figure(r?["rejected"], key: "/requests/rejected")],
                ["В работе", HTML.figure(r?["inWork"], key: "/requests/inWork")],
            ])
        body += "<h2>Техностажировка</h2>"
        body += HTML.bars(
            "Стажировки по специальностям", counts: a["internships"]?["placementsBySpecialty"],
            key: "/internships/placementsBySpecialty")
        body += HTML.bars(
            "Стажировки по статусам", counts: a["internships"]?["placementsByStatus"],
            key: "/internships/placementsByStatus", names: statuses)
        return HTML.page(
            title: "Программа поддержки экспорта: итоги", period: a["period"], body: body, generated: generated)
    }

    static func events(_ a: JSONValue, _ generated: String) -> String {
        let items = a["items"]?.arrayValue ?? []
        var byCountry: [String: Int64] = [:]
        for e in items { byCountry[e["country"]?.stringValue ?? "", default: 0] += 1 }
        var body = HTML.bars(
            "Мероприятия по странам (посчитано по строкам ниже)",
            byCountry.map {
                (
                    label: $0.key, value: Double($0.value), key: "items[country=\($0.key)]",
                    shown: .number(.int($0.value))
                )
            })
        body += HTML.table(
            ["Мероприятие", "Страна", "Начало", "Статус", "Участвовали", "Контрактов"],
            items.enumerated().map { (i, e) in
                [
                    HTML.escape(e["title"]?.stringValue ?? ""), HTML.escape(e["country"]?.stringValue ?? ""),
                    HTML.escape(e["startsOn"]?.stringValue ?? ""),
                    HTML.escape(statuses[e["status"]?.stringValue ?? ""] ?? ""),
                    HTML.figure(e["participations"]?["attended"], key: "/items/\(i)/participations/attended"),
                    HTML.figure(e["contractsSigned"], key: "/items/\(i)/contractsSigned"),
                ]
            })
        return HTML.page(title: "Выставки и бизнес-миссии", period: a["period"], body: body, generated: generated)
    }

    static func internships(_ a: JSONValue, _ generated: String) -> String {
        let s = a["summary"]
        var body = "<div class=\"headlines\">"
        body += HTML.headline("договоров действует", s?["agreementsActive"], key: "/summary/agreementsActive")
        body += HTML.headline("студентов на стажировках", s?["studentsPlaced"], key: "/summary/studentsPlaced")
        body += HTML.headline("принимающих компаний", s?["hostCompanies"], key: "/summary/hostCompanies")
        body += "</div>"
        body += HTML.bars(
            "По специальностям", counts: s?["placementsBySpecialty"], key: "/summary/placementsBySpecialty")
        let institutions = a["byInstitution"]?.arrayValue ?? []
        body += HTML.bars(
            "Студентов по учебным заведениям",
            institutions.enumerated().map { (i, r) in
                (
                    label: r["name"]?.stringValue ?? "", value: Double(r["studentsPlaced"]?.int64Value ?? 0),
                    key: "/byInstitution/\(i)/studentsPlaced", shown: r["studentsPlaced"] ?? 0
                )
            })
        let companies = a["byCompany"]?.arrayValue ?? []
        body += HTML.bars(
            "Студентов по принимающим компаниям",
            companies.enumerated().map { (i, r) in
                (
                    label: r["name"]?.stringValue ?? "", value: Double(r["studentsPlaced"]?.int64Value ?? 0),
                    key: "/byCompany/\(i)/studentsPlaced", shown: r["studentsPlaced"] ?? 0
                )
            })
        return HTML.page(title: "Техностажировка", period: a["period"], body: body, generated: generated)
    }

    static func requests(_ a: JSONValue, _ generated: String) -> String {
        let curators = a["curators"]?.arrayValue ?? []
        var body = HTML.table(
            ["Куратор", "Открыто", "Получено", "Решено", "Отклонено", "Дней до первого действия", "Дней до решения"],
            curators.enumerated().map { (i, c) in
                [
                    HTML.escape(c["name"]?.stringValue ?? "без куратора"),
                    HTML.figure(c["openNow"], key: "/curators/\(i)/openNow"),
                    HTML.figure(c["received"], key: "/curators/\(i)/received"),
                    HTML.figure(c["resolved"], key: "/curators/\(i)/resolved"),
                    HTML.figure(c["rejected"], key: "/curators/\(i)/rejected"),
                    HTML.figure(c["medianDaysToFirstAction"], key: "/curators/\(i)/medianDaysToFirstAction"),
                    HTML.figure(c["medianDaysToResolution"], key: "/curators/\(i)/medianDaysToResolution"),
                ]
            })
        let waiting = a["waiting"]?.arrayValue ?? []
        body += "<h2>Ждут дольше \(HTML.figure(a["waitingDays"], key: "/waitingDays")) рабочих дней</h2>"
        body += HTML.table(
            ["Обращение", "Статус", "Поступило", "Рабочих дней"],
            waiting.enumerated().map { (i, w) in
                [
                    HTML.escape(w["id"]?.stringValue ?? ""),
                    HTML.escape(statuses[w["status"]?.stringValue ?? ""] ?? ""),
                    HTML.escape(String((w["submittedAt"]?.stringValue ?? "").prefix(10))),
                    HTML.figure(w["workingDays"], key: "/waiting/\(i)/workingDays"),
                ]
            })
        return HTML.page(title: "Обращения: нагрузка кураторов", period: a["period"], body: body, generated: generated)
    }
}
