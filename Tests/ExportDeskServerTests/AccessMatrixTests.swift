import ExportDeskCore
import Foundation
import JSON
import JSONRPC
import Support
import TestSupport
import Testing

@testable import ExportDeskServer

/// The role × method matrix of SPEC §8, written out: a new method without a row here fails this test,
/// and so does a rule that differs from it.
struct AccessMatrixTests {
    static let A: Set<Role> = [.admin]
    static let S: Set<Role> = [.admin, .staff]
    static let readers: Set<Role> = [.admin, .staff, .viewer, .company]
    static let everyone = Set(Role.allCases)

    /// nil = callable without a session.
    static let expected: [String: Set<Role>?] = [
        "system.ping": nil, "rpc.discover": nil, "session.authenticate": nil,
        "system.info": everyone, "session.whoami": everyone,
        "system.backup": A, "tokens.create": A, "tokens.list": A, "tokens.revoke": A,
        "rpc.atomic": S,
        "companies.create": S, "companies.update": S, "companies.archive": S, "companies.restore": S,
        "companies.get": readers, "companies.list": readers, "companies.history": readers,
        "staff.create": S, "staff.update": S, "staff.deactivate": S,
        "staff.get": [.admin, .staff, .viewer], "staff.list": [.admin, .staff, .viewer],
        "requests.submit": S, "requests.assign": S, "requests.start": S, "requests.resolve": S, "requests.reject": S,
        "requests.reopen": S, "requests.comment": S, "requests.get": readers, "requests.list": readers,
        "changes.list": everyone,
        "events.create": S, "events.update": S, "events.open": S, "events.close": S, "events.complete": S,
        "events.cancel": S,
        "events.get": everyone, "events.list": everyone,
        "participations.apply": S, "participations.approve": S, "participations.waitlist": S,
        "participations.reject": S,
        "participations.withdraw": S, "participations.markAttendance": S, "participations.recordResults": S,
        "participations.get": readers, "participations.list": readers,
        "reports.summary": [.admin, .staff, .viewer], "reports.events": [.admin, .staff, .viewer],
        "reports.requests": [.admin, .staff, .viewer],
        "strategies.create": S, "strategies.update": S, "strategies.approve": S, "strategies.complete": S,
        "strategies.archive": S,
        "strategies.revise": S, "strategies.recordActual": S,
        "strategies.get": readers, "strategies.list": readers, "strategies.progress": readers,
        "institutions.create": S, "institutions.update": S, "institutions.archive": S, "institutions.restore": S,
        "institutions.get": [.admin, .staff, .viewer, .institution],
        "institutions.list": [.admin, .staff, .viewer, .institution],
        "agreements.create": S, "agreements.update": S, "agreements.terminate": S,
        "agreements.get": [.admin, .staff, .viewer, .institution],
        "agreements.list": [.admin, .staff, .viewer, .institution],
        // The host company manages its offers and confirms, starts, completes and terminates placements at them;
        // the institution registers its students and proposes placements; either side may cancel.
        "offers.create": host, "offers.update": host, "offers.open": host, "offers.close": host,
        "offers.get": everyone, "offers.list": everyone,
        "students.create": institution, "students.update": institution, "students.upsert": institution,
        "students.get": everyone, "students.list": everyone,
        "placements.propose": institution, "placements.update": institution, "placements.upsert": institution,
        "placements.confirm": host, "placements.start": host, "placements.complete": host, "placements.terminate": host,
        "placements.cancel": [.admin, .staff, .institution, .company],
        "placements.get": everyone, "placements.list": everyone,
        "sync.push": institution,
        "changes.subscribe": everyone, "changes.unsubscribe": everyone,
        "reports.internships": everyone, "reminders.list": everyone,
    ]
    static let host: Set<Role> = [.admin, .staff, .company]
    static let institution: Set<Role> = [.admin, .staff, .institution]

    @Test func everyMethodHasTheDeclaredRule() {
        let rules = MethodTable.productAccessRules
        #expect(
            Set(rules.keys) == Set(Self.expected.keys),
            "methods without a row: \(Set(rules.keys).subtracting(Self.expected.keys))")
        for (name, rule) in rules {
            guard let row = Self.expected[name] else { continue }
            for role in Role.allCases {
                let allowed = row.map { $0.contains(role) } ?? true
                #expect(rule.allows(role) == allowed, "\(name) for \(role)")
            }
            #expect((rule == .anyone) == (row == nil), "\(name) session requirement")
        }
    }

    @Test func discoveryShowsTheRoles() {
        let state = ServerState()
        _ = MethodTable.build(options: ServeOptions(), state: state)
        let methods = state.discovery.json["methods"]?.arrayValue ?? []
        #expect(methods.first { $0["name"] == "tokens.create" }?["x-roles"] == ["admin"])
        #expect(methods.first { $0["name"] == "system.ping" }?["x-roles"] == ["anyone"])
        #expect(methods.allSatisfy { $0["x-roles"] != nil })
    }

    @Test func aWrongTokenWithARightPrefixIsRejectedNoFaster() throws {
        let access = AccessControl(requireAuth: true)
        let secret = TokenRepository.makeSecret()
        access.remember(
            TokenRepository.Token(
                id: "tk_01JD5X8Q3W4E5R6T7Y8V9K0P1A", role: .admin, institutionID: nil, companyID: nil,
                label: "t", hash: SHA256.hash(Array(secret.utf8)), createdAt: "", expiresAt: nil, revokedAt: nil))
        #expect(access.token(forSecret: secret) != nil)
        let nearMiss = String(secret.dropLast()) + (secret.last == "A" ? "B" : "A")
        let random = TokenRepository.makeSecret()
        #expect(access.token(forSecret: nearMiss) == nil)
        // Near-miss and random attempts alternate, so both see the same noise; the median ratio of several
        // rounds must show no advantage for a right prefix.
        var ratios: [Double] = []
        for _ in 0..<7 {
            var near: [Double] = []
            var far: [Double] = []
            for i in 0..<1000 {
                for (attempt, isNear)
                    in (i % 2 == 0 ? [(nearMiss, true), (random, false)] : [(random, false), (nearMiss, true)])
                {
                    let t0 = MonotonicClock.now
                    _ = access.token(forSecret: attempt)
                    let dt = MonotonicClock.now - t0
                    if isNear { near.append(dt) } else { far.append(dt) }
                }
            }
            ratios.append(near.sorted()[near.count / 2] / far.sorted()[far.count / 2])
        }
        let ratio = ratios.sorted()[ratios.count / 2]
        #expect(ratio > 0.67 && ratio < 1.5, "near-miss / random median time ratio \(ratio) (rounds: \(ratios))")
    }
}

extension AccessMatrixTests {
    /// The check wired into every served method, exercised for every role and for no session at all.
    @Test func theServedRegistryEnforcesTheMatrix() {
        let state = ServerState()
        let registry = MethodTable.build(options: ServeOptions(), state: state)
        let core = RPCServerCore(registry: registry)
        final class Sink: RPCOutput, @unchecked Sendable {
            func send(_ bytes: [UInt8]) {}
            func close() {}
        }
        var checked = 0
        for name in MethodTable.productMethodNames {
            guard let method = registry[name], let row = Self.expected[name] else {
                Issue.record("\(name) is served without a matrix row")
                continue
            }
            for role in [nil] + Role.allCases.map(Optional.some) {
                let session = RPCSession(core: core, output: Sink(), label: "matrix", peer: .socket(uid: nil))
                if let role { session.identity = Principal(role: role, actor: "test") }
                let context = RPCContext(session: session, requestID: 1, method: name)
                var outcome = "allowed"
                do { try method.authorize?(context) } catch let e as RPCError { outcome = e.reason } catch {
                    outcome = "\(error)"
                }
                let expected: String
                switch (role, row) {
                case (_, nil): expected = "allowed"
                case (nil, _?): expected = "UNAUTHENTICATED"
                case (let r?, let roles?): expected = roles.contains(r) ? "allowed" : "FORBIDDEN"
                }
                #expect(outcome == expected, "\(name) as \(role?.rawValue ?? "nobody")")
                checked += 1
            }
        }
        #expect(checked == Self.expected.count * 6)
    }
}
