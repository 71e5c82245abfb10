import Foundation
import Logging
import PostgresNIO

public struct AssetRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    static let columns = columns(of: "assets")
    /// How many cells `columns` reads: what follows them in a row starts here.
    static let columnCount = 16

    /// The columns `decode` reads, of the table aliased `alias`.
    static func columns(of alias: String) -> String {
        """
        \(alias).id, \(alias).kind, \(alias).owner, encode(\(alias).sha256, 'hex'), \(alias).size, \(alias).media_type,
        \(alias).original_filename, \(alias).storage_key, \(alias).status, \(alias).created_at, \(alias).updated_at,
        \(alias).metadata::text, \(alias).comments, \(alias).placement_key, \(alias).cluster_id, \(alias).trashed_at
        """
    }

    public func find(_ id: UUID) async throws -> AssetRecord? {
        for try await row in try await client.execute(FindAsset(id: id), logger: logger) { return try Self.decode(row) }
        return nil
    }

    /// One page in creation order; the cursor is the last item's (created_at, id). Media in the
    /// trash are left out unless `includingTrash`; purged ones always are.
    public func list(
        owner: String?, kind: AssetKind?, after cursor: AssetCursor?, limit: Int, includingTrash: Bool = false
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
              AND (\(includingTrash) OR trashed_at IS NULL) AND status <> 'purged'
              AND (created_at, id) > ('epoch'::timestamptz + \(cursorMicros) * interval '1 microsecond', \(cursorID))
            ORDER BY created_at, id
            LIMIT \(limit)
            """, logger: logger)
        var assets: [AssetRecord] = []
        for try await row in rows { assets.append(try Self.decode(row)) }
        return assets
    }

    /// The asset of a row that holds `columns` from column `first` on.
    static func decode(_ row: PostgresRow, from first: Int = 0) throws -> AssetRecord {
        let cells = Array(row.makeRandomAccess()[first...])
        func cell<T: PostgresDecodable>(_ index: Int, _: T.Type = T.self) throws -> T {
            try cells[index].decode(T.self, context: .default)
        }
        let (id, kind, owner, sha256, size, mediaType, filename, storageKey, status, createdAt, updatedAt) = (
            try cell(0, UUID.self), try cell(1, String.self), try cell(2, String.self), try cell(3, String.self),
            try cell(4, Int64.self), try cell(5, String.self), try cell(6, String?.self), try cell(7, String.self),
            try cell(8, String.self), try cell(9, Date.self), try cell(10, Date.self)
        )
        let (metadata, comments) = (try cell(11, String.self), try cell(12, String?.self))
        let (placement, cluster, trashed) = (
            try cell(13, String?.self), try cell(14, UUID?.self), try cell(15, Date?.self)
        )
        return AssetRecord(
            id: id, kind: try .decoded(kind, column: "assets.kind"), owner: owner, sha256: sha256, size: size,
            mediaType: mediaType, originalFilename: filename, storageKey: storageKey,
            status: try .decoded(status, column: "assets.status"), createdAt: createdAt, updatedAt: updatedAt,
            metadata: JSONValue.parse(metadata), comments: comments, placementKey: placement, clusterID: cluster,
            trashedAt: trashed)
    }
}

/// Opaque to clients: base64 of "created_at-microseconds:uuid". A token is client input like
/// any other: every part is checked, and a time outside what the catalog can hold is refused
/// rather than converted (a forged `9223372036854775807` once ended the process).
public struct AssetCursor: Sendable, Equatable {
    /// Microseconds since 1970, as PostgreSQL keeps them.
    public let microseconds: Int64
    public let id: UUID

    /// 1900-01-01 to 9999-12-31: every time an asset can have, with room on both sides.
    static let plausibleMicroseconds: ClosedRange<Int64> = -2_208_988_800_000_000...253_402_300_799_999_999

    public init(createdAt: Date, id: UUID) {
        self.microseconds = Int64((createdAt.timeIntervalSince1970 * 1_000_000).rounded())
        self.id = id
    }

    public init?(token: String) {
        guard token.utf8.count <= 128, let data = Data(base64Encoded: token),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let micros = Int64(parts[0]), Self.plausibleMicroseconds.contains(micros),
            let id = UUID(uuidString: String(parts[1]))
        else { return nil }
        self.microseconds = micros
        self.id = id
    }

    public var token: String { Data("\(microseconds):\(id.uuidString)".utf8).base64EncodedString() }
}

/// `AssetRepository.find`, run for every job a worker takes.
private struct FindAsset: HotStatement {
    static let sql = "SELECT \(AssetRepository.columns) FROM assets WHERE id = $1"
    let id: UUID

    func makeBindings() -> PostgresBindings { PostgresBindings(id) }
}
