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
        let requestID = UUID()
        return try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "INSERT INTO ingest_requests (id, owner) VALUES (\(requestID), \(owner))", logger: logger)
            var assetIDs: [UUID] = []
            var enqueued = false
            for (position, asset) in assets.enumerated() {
                let (assetID, isNew) = try await insertOrFind(asset, owner: owner, on: connection)
                let detail: JSONValue = [
                    "request_id": .string(requestID.uuidString.lowercased()),
                    "filename": asset.originalFilename.map(JSONValue.string) ?? .null,
                    "sha256": .string(asset.sha256), "size": .number(Double(asset.size)),
                ]
                if isNew {
                    try await LineageLog.append(
                        NewLineageEvent(actor: actor, action: "ingest.accepted", detail: detail), to: assetID,
                        on: connection, logger: logger)
                    try await JobRepository.enqueue(
                        assetID: assetID, stage: firstStage, maxAttempts: maxAttempts, on: connection, logger: logger)
                    enqueued = true
                } else {
                    try await LineageLog.append(
                        NewLineageEvent(actor: actor, action: "ingest.repeated", detail: detail), to: assetID,
                        on: connection, logger: logger)
                }
                try await connection.query(
                    """
                    INSERT INTO ingest_request_items (request_id, position, asset_id)
                    VALUES (\(requestID), \(position), \(assetID))
                    """, logger: logger)
                assetIDs.append(assetID)
            }
            if enqueued { try await JobRepository.notifyWorkers(on: connection, logger: logger) }
            return Receipt(requestID: requestID, assetIDs: assetIDs)
        }
    }

    /// The unique (owner, sha256) makes a repeat find the first asset, even under concurrency.
    private func insertOrFind(
        _ asset: NewAsset, owner: String, on connection: PostgresConnection
    ) async throws
        -> (UUID, Bool)
    {
        let candidate = UUID()
        let inserted = try await connection.query(
            """
            INSERT INTO assets (id, kind, owner, sha256, size, media_type, original_filename, storage_key, status,
                                metadata, comments)
            VALUES (\(candidate), \(asset.kind.rawValue), \(owner), decode(\(asset.sha256), 'hex'), \(asset.size),
                    \(asset.mediaType), \(asset.originalFilename), \(asset.storageKey), 'stored',
                    \(asset.metadata.jsonText)::jsonb, \(asset.comments))
            ON CONFLICT (owner, sha256) DO NOTHING
            RETURNING id
            """, logger: logger)
        for try await id in inserted.decode(UUID.self) { return (id, true) }
        let existing = try await connection.query(
            "SELECT id FROM assets WHERE owner = \(owner) AND sha256 = decode(\(asset.sha256), 'hex')", logger: logger)
        for try await id in existing.decode(UUID.self) { return (id, false) }
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
