import ExportDeskCore
import JSON
import Testing

struct DemoDataTests {
    @Test func generatedIdentifiersAreChecksumValid() {
        let companies = DemoData.companies(count: 300, seed: 7)
        for c in companies {
            let inn = c.inn ?? ""
            let ogrn = c.ogrn ?? ""
            #expect(TaxIDs.isValidINN(inn), "INN \(inn)")
            #expect(TaxIDs.isValidOGRN(ogrn), "OGRN \(ogrn)")
            #expect((inn.count == 12) == (ogrn.count == 15), "INN \(inn) and OGRN \(ogrn) are of one kind")
        }
        #expect(
            companies == DemoData.companies(count: 300, seed: 7), "deterministic")
    }
}

struct DemoProgrammeTests {
    @Test func theDemoProgrammeHasEveryStateAndKeepsTheRules() async throws {
        let f = try CompanyFixture()
        let counts = try await DemoData.load(into: f.store)
        #expect(
            counts.strategies == 60 && counts.institutions == 12 && counts.offers == 40 && counts.students == 400
                && counts.placements > 200)
        let (placementStates, strategyStates, overfull, overlapping, uncovered) = try await f.store.read {
            db -> (Set<String>, Set<String>, Int64, Int64, Int64) in
            var placements = Set<String>()
            var strategies = Set<String>()
            try db.query("SELECT DISTINCT status FROM placements") { placements.insert($0.text(0) ?? "") }
            try db.query("SELECT DISTINCT status FROM strategies") { strategies.insert($0.text(0) ?? "") }
            let overfull =
                try db.scalar(
                    """
                    SELECT count(*) FROM offers o WHERE \(db.dialect.jsonInteger("o.data", "slots")) <
                        (SELECT count(*) FROM placements p WHERE p.offer_id = o.id AND p.status IN ('confirmed', 'active'))
                    """) ?? -1
            let overlapping =
                try db.scalar(
                    """
                    SELECT count(*) FROM placements a JOIN placements b ON a.student_id = b.student_id AND a.id < b.id
                    WHERE a.status IN ('proposed', 'confirmed', 'active') AND b.status IN ('proposed', 'confirmed', 'active')
                      AND a.starts_on <= b.ends_on AND b.starts_on <= a.ends_on
                    """) ?? -1
            let uncovered =
                try db.scalar(
                    """
                    SELECT count(*) FROM placements p WHERE NOT EXISTS (SELECT 1 FROM agreements a WHERE a.institution_id = p.institution_id
                        AND a.valid_from <= p.starts_on AND a.ends_on >= p.ends_on)
                    """) ?? -1
            return (placements, strategies, overfull, overlapping, uncovered)
        }
        #expect(placementStates == ["proposed", "confirmed", "active", "completed", "cancelled", "terminated"])
        #expect(strategyStates == ["draft", "approved", "completed", "archived"])
        #expect(overfull == 0 && overlapping == 0 && uncovered == 0, "the demo keeps the placement rules")
    }
}
