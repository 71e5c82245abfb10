import Foundation
import Logging
import PostgresNIO

/// Records one accepted request: assets, lineage and first jobs commit together or not at all.
public struct IngestRepository: Sendable {
    public struct Receipt: Sendable, Equatable {
        public let requestID: UUID
        public let assetIDs: [UUID]
    }

    let client: PostgresClient
    let logger: Logger

    public func record(
        owner: String, assets: [NewAsset], firstStage: String, maxAttempts: Int, actor: String
    ) async throws -> Receipt {
        let request = RequestContext(
            id: UUID(), owner: owner, firstStage: firstStage, maxAttempts: maxAttempts, actor: actor)
        // The commonest request, one new item, is one statement and atomic by itself.
        if assets.count == 1, let id = try await insertNew(assets[0], position: 0, request, on: nil) {
            return Receipt(requestID: request.id, assetIDs: [id])
        }
        // Only a repeat makes the single-item statement write nothing: no need to try it again.
        let knownRepeat = assets.count == 1
        return try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "INSERT INTO ingest_requests (id, owner) VALUES (\(request.id), \(owner))", logger: logger)
            var assetIDs: [UUID] = []
            for (position, asset) in assets.enumerated() {
                if !knownRepeat, let id = try await insertNew(asset, position: position, request, on: connection) {
                    assetIDs.append(id)
                    continue
                }
                let id = try await existing(asset, owner: owner, on: connection)
                try await LineageLog.append(
                    NewLineageEvent(
                        actor: actor, action: "ingest.repeated", detail: Self.acceptedDetail(asset, request.id)),
                    to: id, on: connection, logger: logger)
                try await connection.query(
                    """
                    INSERT INTO ingest_request_items (request_id, position, asset_id)
                    VALUES (\(request.id), \(position), \(id))
                    """, logger: logger)
                assetIDs.append(id)
            }
            return Receipt(requestID: request.id, assetIDs: assetIDs)
        }
    }

    struct RequestContext {
        let id: UUID
        let owner: String
        let firstStage: String
        let maxAttempts: Int
        let actor: String
    }

    /// A new asset with everything that comes with it, in one statement: the row, its first
    /// lineage event (the chain's start, so no lock is needed), its first job, the request and
    /// its item, and a NOTIFY for the workers. Nil, having written nothing, when the owner
    /// already has these bytes.
    private func insertNew(
        _ asset: NewAsset, position: Int, _ request: RequestContext, on connection: PostgresConnection?
    )
        async throws -> UUID?
    {
        let detail = Self.acceptedDetail(asset, request.id)
        let query: PostgresQuery = """
            WITH inserted AS (
                INSERT INTO assets (id, kind, owner, sha256, size, media_type, original_filename, storage_key,
                                    status, metadata, comments)
                VALUES (\(UUID()), \(asset.kind.rawValue), \(request.owner), decode(\(asset.sha256), 'hex'),
                        \(asset.size), \(asset.mediaType), \(asset.originalFilename), \(asset.storageKey), 'stored',
                        \(asset.metadata.jsonText)::jsonb, \(asset.comments))
                ON CONFLICT (owner, sha256) DO NOTHING
                RETURNING id
            ), event AS (
                SELECT id AS asset_id, 1 AS seq, clock_timestamp() AS at, \(request.actor)::text AS actor,
                       'ingest.accepted'::text AS action, \(detail.jsonText)::jsonb AS detail, NULL::bytea AS prev_hash
                FROM inserted
            ), lineage_row AS (
                INSERT INTO lineage (asset_id, seq, at, actor, action, detail, prev_hash, hash)
                SELECT asset_id, seq, at, actor, action, detail, prev_hash, \(unescaped: LineageHash.sqlExpression)
                FROM event
            ), job AS (
                INSERT INTO jobs (asset_id, stage, state, max_attempts)
                SELECT id, \(request.firstStage), 'queued', \(request.maxAttempts) FROM inserted
            ), request AS (
                INSERT INTO ingest_requests (id, owner) SELECT \(request.id), \(request.owner) FROM inserted
                ON CONFLICT (id) DO NOTHING
            ), item AS (
                INSERT INTO ingest_request_items (request_id, position, asset_id)
                SELECT \(request.id), \(position), id FROM inserted
            )
            SELECT id, pg_notify(\(JobRepository.channel), '')::text FROM inserted
            """
        let rows =
            if let connection { try await connection.query(query, logger: logger) } else {
                try await client.query(query, logger: logger)
            }
        for try await (id, _) in rows.decode((UUID, String).self) { return id }
        return nil
    }

    static func acceptedDetail(_ asset: NewAsset, _ requestID: UUID) -> JSONValue {
        [
            "request_id": .string(requestID.uuidString.lowercased()),
            "filename": asset.originalFilename.map(JSONValue.string) ?? .null,
            "sha256": .string(asset.sha256), "size": .number(Double(asset.size)),
        ]
    }

    private func existing(_ asset: NewAsset, owner: String, on connection: PostgresConnection) async throws -> UUID {
        let rows = try await connection.query(
            "SELECT id FROM assets WHERE owner = \(owner) AND sha256 = decode(\(asset.sha256), 'hex')", logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        throw IngestConflict(sha256: asset.sha256)
    }

    struct IngestConflict: Error, CustomStringConvertible {
        let sha256: String
        var description: String { "asset \(sha256) conflicted but could not be found" }
    }

    /// Per item of the request: the asset's most recent job.
    public func status(of requestID: UUID) async throws -> IngestStatus? {
        let owners = try await client.query("SELECT owner FROM ingest_requests WHERE id = \(requestID)", logger: logger)
        var owner: String?
        for try await value in owners.decode(String.self) { owner = value }
        guard let owner else { return nil }
        let rows = try await client.query(
            """
            SELECT i.asset_id, a.status, j.stage, j.state, j.last_error
            FROM ingest_request_items i
            JOIN assets a ON a.id = i.asset_id
            LEFT JOIN LATERAL (
                SELECT stage, state, last_error FROM jobs WHERE asset_id = i.asset_id ORDER BY id DESC LIMIT 1
            ) j ON true
            WHERE i.request_id = \(requestID)
            ORDER BY i.position
            """, logger: logger)
        var items: [IngestStatus.Item] = []
        for try await (assetID, assetStatus, stage, state, error) in rows.decode(
            (UUID, String, String?, String?, String?).self)
        {
            items.append(
                IngestStatus.Item(
                    assetID: assetID, assetStatus: AssetStatus(rawValue: assetStatus) ?? .stored, stage: stage,
                    jobState: state.flatMap(JobState.init(rawValue:)), error: error))
        }
        return IngestStatus(requestID: requestID, owner: owner, items: items)
    }
}
