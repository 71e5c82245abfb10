import Crypto
import Foundation
import Logging
import PostgresNIO

public enum Role: String, Sendable, Codable {
    case admin, user
}

/// Who is calling: resolved from an API key.
public struct Principal: Sendable, Equatable {
    public let keyID: UUID
    public let role: Role
    public let owner: String

    public init(keyID: UUID, role: Role, owner: String) {
        self.keyID = keyID
        self.role = role
        self.owner = owner
    }

    public var isAdmin: Bool { role == .admin }
}

/// Keys are shown once and stored only as SHA-256 hashes. They are 256-bit random secrets, so a
/// fast unsalted hash is enough: there is nothing to brute-force as there is with passwords.
public struct APIKeyRepository: Sendable {
    public static let prefix = "afa_"

    let client: PostgresClient
    let logger: Logger

    public func create(role: Role, owner: String) async throws -> (key: String, principal: Principal) {
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        let key =
            Self.prefix
            + Data(secret).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let id = UUID()
        try await client.query(
            """
            INSERT INTO api_keys (id, key_hash, role, owner)
            VALUES (\(id), \(Self.hash(key)), \(role.rawValue), \(owner))
            """, logger: logger)
        return (key, Principal(keyID: id, role: role, owner: owner))
    }

    public func authenticate(_ key: String) async throws -> Principal? {
        guard key.hasPrefix(Self.prefix), key.count < 200 else { return nil }
        let rows = try await client.query(
            "SELECT id, role, owner FROM api_keys WHERE key_hash = \(Self.hash(key)) AND revoked_at IS NULL",
            logger: logger)
        for try await (id, role, owner) in rows.decode((UUID, String, String).self) {
            guard let role = Role(rawValue: role) else { throw UnknownValue(column: "api_keys.role", value: role) }
            return Principal(keyID: id, role: role, owner: owner)
        }
        return nil
    }

    /// Revokes a key; false when there is no such key or it was already revoked. Revocation is
    /// kept, not deleted, so the key's id still explains its lineage entries.
    public func revoke(id: UUID) async throws -> Bool {
        let rows = try await client.query(
            "UPDATE api_keys SET revoked_at = now() WHERE id = \(id) AND revoked_at IS NULL RETURNING id",
            logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Every key (never the secret, which is not stored), newest first.
    public func list() async throws -> [APIKeySummary] {
        let rows = try await client.query(
            "SELECT id, role, owner, created_at, revoked_at FROM api_keys ORDER BY created_at DESC, id",
            logger: logger)
        var keys: [APIKeySummary] = []
        for try await (id, role, owner, created, revoked) in rows.decode((UUID, String, String, Date, Date?).self) {
            guard let role = Role(rawValue: role) else { throw UnknownValue(column: "api_keys.role", value: role) }
            keys.append(APIKeySummary(id: id, role: role, owner: owner, createdAt: created, revokedAt: revoked))
        }
        return keys
    }

    public func countAdmins() async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*)::int FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Bound as `bytea`: a `[UInt8]` would be sent as an array of `"char"`.
    static func hash(_ key: String) -> ByteBuffer { ByteBuffer(bytes: SHA256.hash(data: Data(key.utf8))) }
}

public struct APIKeySummary: Sendable, Equatable {
    public let id: UUID
    public let role: Role
    public let owner: String
    public let createdAt: Date
    public let revokedAt: Date?
}
