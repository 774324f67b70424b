import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC

/// Who may call a method, declared where the method is registered (SPEC §8).
public enum AccessRule: Sendable, Equatable {
    /// No session needed: rpc.discover, system.ping, session.authenticate.
    case anyone
    /// Any authenticated role.
    case anyRole
    /// Only these roles; others get FORBIDDEN.
    case roles(Set<Role>)

    public static let staffOnly = AccessRule.roles([.admin, .staff])
    public static let adminOnly = AccessRule.roles([.admin])
    /// The programme's people, and a company token (which then sees only its own records).
    public static let programmeAndCompany = AccessRule.roles([.admin, .staff, .viewer, .company])

    /// The roles for `rpc.discover`'s `x-roles`.
    var discoveryNames: [String] {
        switch self {
        case .anyone: return ["anyone"]
        case .anyRole: return Role.allCases.map(\.rawValue)
        case .roles(let set): return Role.allCases.filter(set.contains).map(\.rawValue)
        }
    }

    public func allows(_ role: Role) -> Bool {
        switch self {
        case .anyone, .anyRole: return true
        case .roles(let set): return set.contains(role)
        }
    }
}

/// What calling a method does to the programme's data, declared where the method is registered: what MCP
/// tools advertise as `readOnlyHint`, `destructiveHint` and `idempotentHint`.
public enum MethodEffect: Sendable, Equatable {
    /// Reads only (lists, gets, reports, system.info).
    case read
    /// Changes records.
    case write
    /// Changes records in a way a repeat with the same arguments does not change further (upserts, sync.push).
    case idempotentWrite
    /// Ends or removes something a user would miss (archive, cancel, terminate, reject, revoke, deactivate).
    case destructiveWrite
    /// Acts on the connection itself (authentication, subscriptions), not on records.
    case session
}

extension String {
    /// The verb of a method name written whole ("placements.confirm" → "confirm"), so that every method
    /// name appears whole in the source and `grep` finds its registration.
    var verb: String { split(separator: ".", maxSplits: 1).last.map(String.init) ?? self }
}

extension JSONObject {
    /// The `patch` param of an `X.update` (a JSON Merge Patch object).
    var patch: JSONObject { self["patch"]?.objectValue ?? JSONObject() }
}
