import Dispatch
import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Storage

/// offers.*: a host company's internship places (SPEC §6).
extension PlacementMethods {
    func registerOffers(in registry: inout MethodSet) {
        let db = self.db
        registry.registerWrite("offers.create", db: db, access: Self.programmeAndHost) { ctx, p in
            try OfferRepository.create(ctx, fields: p)
        }
        registry.registerUpdate("offers.update", db: db, access: Self.programmeAndHost, OfferRepository.update)
        registry.registerWrite("offers.open", Params.OffersOpen.self, db: db, access: Self.programmeAndHost) { ctx, p in
            try OfferRepository.transition(ctx, verb: "open", id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.registerWrite("offers.close", Params.OffersClose.self, db: db, access: Self.programmeAndHost) {
            ctx, p in
            try OfferRepository.transition(ctx, verb: "close", id: p.id, expectedVersion: p.expectedVersion)
        }
        // An institution sees open offers only.
        registry.registerGet("offers.get", OfferRepository.records, db: db, access: Self.everyone) { offer, policy in
            if !policy.mayRead(offerStatus: offer.status.rawValue, inFeed: false) {
                throw DomainError.notFound(entity: "offer", id: offer.id)
            }
        }
        registry.register(
            ServerMethod(
                name: "offers.list",
                handler: .async { ctx, p in
                    let company = ctx.companyScope
                    let onlyOpen = ctx.institutionScope != nil
                    return try await db.read { conn in
                        try OfferRepository.list(
                            conn, try TypedRecords.params(Params.OffersList.self, p.objectValue ?? [:]),
                            onlyCompany: company, onlyOpen: onlyOpen)
                    }
                }), access: Self.everyone)
    }
}
