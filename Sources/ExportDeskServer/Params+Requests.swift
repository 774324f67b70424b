import ExportDeskSchemas

// The params that name one record (`X.get`) and the merge-patch updates (`X.update`), for the registrations
// that serve every entity the same way (MethodSet.registerGet, registerUpdate).
extension Params.AgreementsGet: RecordRequest {}
extension Params.CompaniesGet: RecordRequest {}
extension Params.EventsGet: RecordRequest {}
extension Params.InstitutionsGet: RecordRequest {}
extension Params.OffersGet: RecordRequest {}
extension Params.ParticipationsGet: RecordRequest {}
extension Params.PlacementsGet: RecordRequest {}
extension Params.RequestsGet: RecordRequest {}
extension Params.StaffGet: RecordRequest {}
extension Params.StrategiesGet: RecordRequest {}
extension Params.StudentsGet: RecordRequest {}

extension Params.AgreementsUpdate: PatchRequest {}
extension Params.CompaniesUpdate: PatchRequest {}
extension Params.EventsUpdate: PatchRequest {}
extension Params.InstitutionsUpdate: PatchRequest {}
extension Params.OffersUpdate: PatchRequest {}
extension Params.PlacementsUpdate: PatchRequest {}
extension Params.StaffUpdate: PatchRequest {}
extension Params.StrategiesUpdate: PatchRequest {}
extension Params.StudentsUpdate: PatchRequest {}
