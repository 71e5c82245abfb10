import Foundation
import Logging
import PostgresNIO

public struct AssetRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    static let columns = """
        id, kind, owner, encode(sha256, 'hex'), size, media_type, original_filename, storage_key, status,
        created_at, updated_at, metadata::text, comments
        """

    public func find(_ id: UUID) async throws -> AssetRecord? {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.columns) FROM assets WHERE id = \(id)", logger: logger)
        for try await row in rows { return try Self.decode(row) }
        return nil
    }

    /// One page in creation order; the cursor is the last item's (created_at, id).
    public func list(
        owner: String?, kind: AssetKind?, after cursor: AssetCursor?, limit: Int
    ) async throws
        -> [AssetRecord]
    {
        let cursorMicros = cursor?.microseconds ?? -30_000_000_000_000_000  // before any asset
        let cursorID = cursor?.id ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM assets
            WHERE (\(owner)::text IS NULL OR owner = \(owner))
              AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
              AND (created_at, id) > ('epoch'::timestamptz + \(cursorMicros) * interval '1 microsecond', \(cursorID))
            ORDER BY created_at, id
            LIMIT \(limit)
            """, logger: logger)
        var assets: [AssetRecord] = []
        for try await row in rows { assets.append(try Self.decode(row)) }
        return assets
    }

    static func decode(_ row: PostgresRow) throws -> AssetRecord {
        let (
            id, kind, owner, sha256, size, mediaType, filename, storageKey, status, createdAt, updatedAt, metadata,
            comments
        ) =
            try row.decode(
                (UUID, String, String, String, Int64, String, String?, String, String, Date, Date, String, String?).self
            )
        return AssetRecord(
            id: id, kind: AssetKind(rawValue: kind) ?? .other, owner: owner, sha256: sha256, size: size,
            mediaType: mediaType, originalFilename: filename, storageKey: storageKey,
            status: AssetStatus(rawValue: status) ?? .stored, createdAt: createdAt, updatedAt: updatedAt,
            metadata: JSONValue.parse(metadata), comments: comments)
    }
}

/// Opaque to clients: base64 of "created_at-microseconds:uuid".
public struct AssetCursor: Sendable, Equatable {
    public let createdAt: Date
    public let id: UUID

    public init(createdAt: Date, id: UUID) {
        self.createdAt = createdAt
        self.id = id
    }

    public init?(token: String) {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
            return nil
        }
        self.init(createdAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000), id: id)
    }

    /// PostgreSQL keeps microseconds; a `Date` carries them exactly enough to round back.
    var microseconds: Int64 { Int64((createdAt.timeIntervalSince1970 * 1_000_000).rounded()) }

    public var token: String { Data("\(microseconds):\(id.uuidString)".utf8).base64EncodedString() }
}
