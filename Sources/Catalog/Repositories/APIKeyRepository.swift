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
            guard let role = Role(rawValue: role) else { return nil }
            return Principal(keyID: id, role: role, owner: owner)
        }
        return nil
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
