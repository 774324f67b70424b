import ExportDeskCore
import JSON
import Testing

struct DemoDataTests {
    @Test func generatedIdentifiersAreChecksumValid() {
        let companies = DemoData.companies(count: 300, seed: 7)
        for c in companies {
            let inn = c["inn"]?.stringValue ?? "", ogrn = c["ogrn"]?.stringValue ?? ""
            #expect(TaxIDs.isValidINN(inn), "INN \(inn)")
            #expect(TaxIDs.isValidOGRN(ogrn), "OGRN \(ogrn)")
            #expect((inn.count == 12) == (ogrn.count == 15), "INN \(inn) and OGRN \(ogrn) are of one kind")
        }
        #expect(companies.map { $0["name"] } == DemoData.companies(count: 300, seed: 7).map { $0["name"] }, "deterministic")
    }
}
