import ExportDeskSchemas
import JSON
import Storage
import Support

/// API tokens: random 256-bit secrets shown once, stored only as their SHA-256.
public enum TokenRepository {
    public struct Token: Sendable {
        public let id: String
        public let role: Role
        public let institutionID: String?
        public let companyID: String?
        public let label: String
        public let hash: [UInt8]
        public let createdAt: String
        public let expiresAt: String?
        public var revokedAt: String?

        public init(
            id: String, role: Role, institutionID: String?, companyID: String?, label: String, hash: [UInt8],
            createdAt: String, expiresAt: String?, revokedAt: String?
        ) {
            self.id = id
            self.role = role
            self.institutionID = institutionID
            self.companyID = companyID
            self.label = label
            self.hash = hash
            self.createdAt = createdAt
            self.expiresAt = expiresAt
            self.revokedAt = revokedAt
        }

        /// The token as `tokens.*` show it (never its hash).
        public var typed: Records.Token {
            Records.Token(
                id: id, role: Records.Role(rawValue: role.rawValue)!, institutionId: institutionID,
                companyId: companyID, label: label, createdAt: createdAt, expiresAt: expiresAt, revokedAt: revokedAt)
        }

        /// Usable now: not revoked and not expired.
        public func isValid(nowMillis: Int64) -> Bool {
            guard revokedAt == nil else { return false }
            if let expiresAt, let t = Timestamps.millis(fromRFC3339: expiresAt), t <= nowMillis { return false }
            return true
        }

        public var principal: Principal {
            Principal(role: role, tokenID: id, institutionID: institutionID, companyID: companyID, actor: id)
        }
    }

    /// A new secret: `edk_` and 43 base64url characters (256 random bits).
    public static func makeSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out = Array("edk_".utf8)
        for _ in 0..<43 { out.append(alphabet[Int(rng.next() % 64)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func create(
        _ ctx: WriteContext, role: Role, institutionID: String?, companyID: String?, label: String,
        expiresAt: String?
    ) throws -> (Token, String) {
        if let expiresAt {
            guard let t = Timestamps.millis(fromRFC3339: expiresAt), t > ctx.nowMillis else {
                throw DomainError.invalidParams(path: "/expiresAt", keyword: "format", "must be a future date-time")
            }
        }
        if role == .institution && institutionID == nil {
            throw DomainError.invalidParams(
                path: "/institutionId", keyword: "required", "is required for the institution role")
        }
        if role == .company && companyID == nil {
            throw DomainError.invalidParams(path: "/companyId", keyword: "required", "is required for the company role")
        }
        if let companyID {
            _ = try CompanyRepository.get(ctx.db, id: companyID)  // NOT_FOUND for an unknown company
        }
        let secret = makeSecret()
        let token = Token(
            id: RecordID.make("tk", millis: ctx.nowMillis), role: role,
            institutionID: role == .institution ? institutionID : nil,
            companyID: role == .company ? companyID : nil, label: label, hash: SHA256.hash(Array(secret.utf8)),
            createdAt: ctx.now, expiresAt: expiresAt.flatMap(Timestamps.millis(fromRFC3339:)).map(WallClock.rfc3339),
            revokedAt: nil)
        try ctx.db.run(
            "INSERT INTO tokens(id, role, institution_id, company_id, label, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .text(token.id), .text(role.rawValue), token.institutionID.sqlValue, token.companyID.sqlValue,
                .text(label),
                .blob(token.hash), .text(token.createdAt), token.expiresAt.sqlValue,
            ])
        try ChangeLog.append(ctx, entity: "token", id: token.id, op: .created, version: 1)
        return (token, secret)
    }

    public static func revoke(_ ctx: WriteContext, id: String) throws -> Token {
        guard var token = try all(ctx.db).first(where: { $0.id == id }) else {
            throw DomainError.notFound(entity: "token", id: id)
        }
        if token.revokedAt == nil {
            token.revokedAt = ctx.now
            try ctx.db.run("UPDATE tokens SET revoked_at = ? WHERE id = ?", [.text(ctx.now), .text(id)])
            try ChangeLog.append(ctx, entity: "token", id: id, op: .deleted, version: 2)
        }
        return token
    }

    public static func all(_ db: any SQLDatabase) throws -> [Token] {
        var tokens: [Token] = []
        try db.query(
            "SELECT id, role, institution_id, company_id, label, hash, created_at, expires_at, revoked_at FROM tokens ORDER BY id"
        ) { s in
            let hash = s.blob(5)
            tokens.append(
                Token(
                    id: s.text(0) ?? "", role: Role(rawValue: s.text(1) ?? "") ?? .viewer, institutionID: s.text(2),
                    companyID: s.text(3),
                    label: s.text(4) ?? "", hash: hash, createdAt: s.text(6) ?? "", expiresAt: s.text(7),
                    revokedAt: s.text(8)))
        }
        return tokens
    }
}
