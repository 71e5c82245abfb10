import Foundation
import Logging
import PostgresNIO

/// Writes a stage's typed outputs inside its completion transaction. Each kind is replaced whole
/// for what the stage produced (its blob kinds, its models, its tags), so a retry or a new
/// version leaves no mixture of old and new rows behind. A kind the stage did not produce is
/// not touched: one statement per kind that is present, none for the rest.
struct StageOutputWriter {
    let assetID: UUID
    let stage: StageReference

    func write(_ output: StageOutput, on connection: PostgresConnection, logger: Logger) async throws {
        if !output.derivedBlobs.isEmpty {
            // The stage's renditions are replaced whole: a video processed again with fewer
            // segments keeps no frame of the old run.
            try await connection.query(
                """
                DELETE FROM derived_blobs
                WHERE asset_id = \(assetID) AND stage = \(stage.name) AND kind <> ALL(\(output.derivedBlobs.map(\.kind)))
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO derived_blobs (asset_id, kind, stage, version, storage_key, media_type, size, width, height)
                SELECT \(assetID), kind, \(stage.name), \(stage.version), storage_key, media_type, size, width, height
                FROM jsonb_to_recordset(\(derivedBlobsText(output.derivedBlobs))::jsonb) AS x(
                    kind text, storage_key text, media_type text, size bigint, width int, height int)
                ON CONFLICT (asset_id, kind) DO UPDATE SET
                    stage = excluded.stage, version = excluded.version, storage_key = excluded.storage_key,
                    media_type = excluded.media_type, size = excluded.size, width = excluded.width,
                    height = excluded.height, created_at = now()
                """, logger: logger)
        }
        if !output.vectors.isEmpty {
            // The stage's earlier vectors go in the same transaction as the new ones arrive, those
            // of another model too: readers never see the asset without a vector, and a model
            // change leaves nothing of the old model behind once the asset is re-embedded.
            try await connection.query(
                "DELETE FROM embeddings WHERE asset_id = \(assetID) AND stage = \(stage.name)", logger: logger)
            try await connection.query(
                """
                INSERT INTO embeddings (asset_id, model, segment, start_seconds, end_seconds, vector, stage, version)
                SELECT \(assetID), model, segment, start_seconds, end_seconds, vector::vector, \(stage.name),
                       \(stage.version)
                FROM jsonb_to_recordset(\(vectorsText(output.vectors))::jsonb) AS x(
                    model text, segment int, start_seconds double precision, end_seconds double precision, vector text)
                """, logger: logger)
        }
        if !output.perceptualHashes.isEmpty {
            try await writeHashes(output.perceptualHashes, on: connection, logger: logger)
        }
        if output.tags != nil {
            try await connection.query(
                "DELETE FROM asset_tags WHERE asset_id = \(assetID) AND source = \(stage.name)", logger: logger)
        }
        if let tags = output.tags, !tags.isEmpty {
            try await connection.query(
                """
                INSERT INTO asset_tags (asset_id, source, tag, score, version)
                SELECT \(assetID), \(stage.name), tag, max(score), \(stage.version)
                FROM jsonb_to_recordset(\(tagsText(tags))::jsonb) AS x(tag text, score real)
                GROUP BY tag
                """, logger: logger)
        }
    }

    private func writeHashes(
        _ hashes: [StagePerceptualHash], on connection: PostgresConnection, logger: Logger
    )
        async throws
    {
        try await connection.query("DELETE FROM perceptual_hashes WHERE asset_id = \(assetID)", logger: logger)
        // Stored as the signed bigint with the same 64 bits.
        let segments = hashes.map { Int32($0.segment) }
        let values = hashes.map { Int64(bitPattern: $0.hash) }
        // Empty for a video frame, which has no digest.
        let digests = hashes.map { $0.pixelDigest.map { $0.map { String(format: "%02x", $0) }.joined() } ?? "" }
        try await connection.query(
            """
            INSERT INTO perceptual_hashes (asset_id, segment, hash, pixel_digest, stage, version)
            SELECT \(assetID), segment, hash, decode(nullif(digest, ''), 'hex'), \(stage.name), \(stage.version)
            FROM unnest(\(segments)::int[], \(values)::bigint[], \(digests)::text[]) AS x(segment, hash, digest)
            """, logger: logger)
    }

    private func derivedBlobsText(_ blobs: [DerivedBlob]) -> String {
        JSONValue.array(
            blobs.map {
                [
                    "kind": .string($0.kind), "storage_key": .string($0.storageKey),
                    "media_type": .string($0.mediaType), "size": .number(Double($0.size)),
                    "width": $0.width.map { .number(Double($0)) } ?? .null,
                    "height": $0.height.map { .number(Double($0)) } ?? .null,
                ]
            }
        ).jsonText
    }

    /// Vectors travel as pgvector's text form (`[0.1,0.2]`), which round-trips a Float exactly.
    private func vectorsText(_ vectors: [StageVector]) -> String {
        JSONValue.array(
            vectors.map {
                [
                    "model": .string($0.model), "segment": .number(Double($0.segment)),
                    "start_seconds": $0.startSeconds.map { .number($0) } ?? .null,
                    "end_seconds": $0.endSeconds.map { .number($0) } ?? .null,
                    "vector": .string(VectorText.text($0.values)),
                ]
            }
        ).jsonText
    }

    private func tagsText(_ tags: [StageTag]) -> String {
        JSONValue.array(tags.map { ["tag": .string($0.tag), "score": .number(Double($0.score))] }).jsonText
    }
}
