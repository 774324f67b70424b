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
        registry.registerWrite("offers.create", Params.OffersCreate.self, db: db, access: Self.programmeAndHost) {
            ctx, p in
            Stored(try OfferRepository.create(ctx, p))
        }
        registry.registerUpdate("offers.update", Params.OffersUpdate.self, db: db, access: Self.programmeAndHost) {
            ctx, id, patch, version in
            Stored(try OfferRepository.update(ctx, id: id, patch: patch, expectedVersion: version))
        }
        registry.registerWrite("offers.open", Params.OffersOpen.self, db: db, access: Self.programmeAndHost) { ctx, p in
            Stored(try OfferRepository.transition(ctx, verb: "open", id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite("offers.close", Params.OffersClose.self, db: db, access: Self.programmeAndHost) {
            ctx, p in
            Stored(try OfferRepository.transition(ctx, verb: "close", id: p.id, expectedVersion: p.expectedVersion))
        }
        // An institution sees open offers only.
        registry.registerGet(
            "offers.get", Params.OffersGet.self, OfferRepository.records, db: db, access: Self.everyone
        ) { offer, policy in
            if !policy.mayRead(offerStatus: offer.status.rawValue, inFeed: false) {
                throw DomainError.notFound(entity: "offer", id: offer.id)
            }
        }
        registry.register("offers.list", Params.OffersList.self, access: Self.everyone) { ctx, p in
            let company = ctx.companyScope
            let onlyOpen = ctx.institutionScope != nil
            return try await db.read { conn in
                try OfferRepository.list(conn, p, onlyCompany: company, onlyOpen: onlyOpen)
            }
        }
    }
}
