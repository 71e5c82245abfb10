import Foundation
import Logging
import Organise
import PostgresNIO

/// What finding an asset's duplicates reads and writes: its facts, its candidates from the
/// indexes (equal pixel digests, the perceptual-hash bands, the HNSW index over its vector), the
/// pairs it is found in, and the pairs an admin declared not to be duplicates.
public struct DuplicateRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Facts of the given image and video assets, for the duplicate rules and the keeper choice.
    public func facts(_ ids: [UUID]) async throws -> [MediaFacts] {
        guard !ids.isEmpty else { return [] }
        let rows = try await client.query(
            """
            SELECT a.id, a.kind, a.size, a.created_at,
                   coalesce((a.metadata->'image'->>'width')::int, (a.metadata->'video'->>'width')::int, 0),
                   coalesce((a.metadata->'image'->>'height')::int, (a.metadata->'video'->>'height')::int, 0),
                   coalesce(a.metadata->'exif'->>'captured_at', a.metadata->'carried'->>'captured_at'),
                   nullif(concat_ws(' ', a.metadata->'exif'->>'camera_make', a.metadata->'exif'->>'camera_model'), ''),
                   (a.metadata->'video'->>'duration_seconds')::float8,
                   CASE WHEN jsonb_typeof(a.metadata->'exif') = 'object'
                        THEN (SELECT count(*)::int FROM jsonb_object_keys(a.metadata->'exif')) ELSE 0 END,
                   coalesce(array_agg(p.segment ORDER BY p.segment) FILTER (WHERE p.segment IS NOT NULL), '{}'),
                   coalesce(array_agg(p.hash ORDER BY p.segment) FILTER (WHERE p.segment IS NOT NULL), '{}'),
                   encode((array_agg(p.pixel_digest) FILTER (WHERE p.segment = 0))[1], 'hex')
            FROM assets a LEFT JOIN perceptual_hashes p ON p.asset_id = a.id
            WHERE a.id = ANY(\(ids)::uuid[]) AND a.kind IN ('image', 'video')
            GROUP BY a.id
            """, logger: logger)
        var facts: [MediaFacts] = []
        for try await row in rows {
            let c = try row.decode(
                (UUID, String, Int64, Date, Int, Int, String?, String?, Double?, Int, [Int32], [Int64], String?).self)
            var hashes: [Int: UInt64] = [:]
            for (segment, hash) in zip(c.10, c.11) { hashes[Int(segment)] = UInt64(bitPattern: hash) }
            facts.append(
                MediaFacts(
                    id: c.0, kind: c.1 == "video" ? .video : .image, width: c.4, height: c.5, hashes: hashes,
                    pixelDigest: c.12.flatMap(Self.bytes(hex:)), capturedAt: c.6, camera: c.7, durationSeconds: c.8,
                    bytes: c.2, metadataFields: c.9, createdAt: c.3))
        }
        return facts
    }

    static func bytes(hex: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// The owner's live media that may duplicate `asset`: same pixels, perceptual hashes within
    /// `hashDistance` of any of its segments, or among its `nearest` neighbours by CLIP vector.
    /// Each comes from an index; nothing reads every asset. With the cosine of each candidate's
    /// vector to the asset's, when both have one of `model`.
    public func candidates(
        of asset: UUID, owner: String, hashDistance: Int, model: String?, nearest: Int
    ) async throws -> [(id: UUID, cosine: Double?)] {
        var found = Set<UUID>()
        let pixelRows = try await client.query(
            """
            SELECT other.asset_id FROM perceptual_hashes mine
            JOIN perceptual_hashes other ON other.pixel_digest = mine.pixel_digest AND other.asset_id <> mine.asset_id
            JOIN assets a ON a.id = other.asset_id
            WHERE mine.asset_id = \(asset) AND mine.segment = 0 AND mine.pixel_digest IS NOT NULL
              AND a.owner = \(owner) AND a.trashed_at IS NULL AND a.status <> 'purged'
            LIMIT 100
            """, logger: logger)
        for try await id in pixelRows.decode(UUID.self) { found.insert(id) }
        let hashRows = try await client.query(
            "SELECT hash FROM perceptual_hashes WHERE asset_id = \(asset)", logger: logger)
        var hashes: [Int64] = []
        for try await hash in hashRows.decode(Int64.self) { hashes.append(hash) }
        let bands = PerceptualHashRepository(client: client, logger: logger)
        for hash in Set(hashes) {
            for match in try await bands.near(
                UInt64(bitPattern: hash), within: hashDistance, owner: owner, excluding: asset, limit: 50)
            {
                found.insert(match.assetID)
            }
        }
        var cosines: [UUID: Double] = [:]
        if let model,
            let vector = try await EmbeddingRepository(client: client, logger: logger).vector(
                of: asset, model: model)
        {
            for (id, cosine) in try await neighbours(
                of: vector, model: model, owner: owner, excluding: asset, limit: nearest)
            {
                found.insert(id)
                cosines[id] = cosine
            }
            let missing = found.filter { cosines[$0] == nil }
            if !missing.isEmpty {
                let rows = try await client.query(
                    """
                    SELECT asset_id, 1 - (vector <=> \(VectorText.text(vector))::vector)
                    FROM embeddings WHERE asset_id = ANY(\(Array(missing))::uuid[]) AND model = \(model) AND segment = 0
                    """, logger: logger)
                for try await (id, cosine) in rows.decode((UUID, Double).self) { cosines[id] = cosine }
            }
        }
        guard !found.isEmpty else { return [] }
        // Only the owner's live media, and never a pair an admin said is not a duplicate.
        let live = try await client.query(
            """
            SELECT a.id FROM assets a
            WHERE a.id = ANY(\(Array(found))::uuid[]) AND a.owner = \(owner) AND a.kind IN ('image', 'video')
              AND a.trashed_at IS NULL AND a.status <> 'purged'
              AND NOT EXISTS (
                  SELECT 1 FROM not_duplicate_pairs n
                  WHERE n.asset_a = least(a.id, \(asset)) AND n.asset_b = greatest(a.id, \(asset)))
            """, logger: logger)
        var result: [(id: UUID, cosine: Double?)] = []
        for try await id in live.decode(UUID.self) { result.append((id, cosines[id])) }
        return result
    }

    /// The HNSW index's nearest vectors of `model` among the owner's stills and videos. The index
    /// is filtered after it is read; the iterative scan keeps reading until `limit` rows pass.
    private func neighbours(
        of vector: [Float], model: String, owner: String, excluding asset: UUID, limit: Int
    ) async throws -> [(UUID, Double)] {
        let dimensions = vector.count
        guard EmbeddingRepository.indexableDimensions.contains(dimensions) else { return [] }
        let text = VectorText.text(vector)
        return try await client.transaction(logger: logger) { connection in
            try await connection.query("SET LOCAL hnsw.iterative_scan = relaxed_order", logger: logger)
            // The dimension is an integer computed here, spelled into the cast the index is built on.
            let rows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT e.asset_id, 1 - (e.vector::halfvec(\(dimensions)) <=> $1::halfvec(\(dimensions)))
                        FROM embeddings e JOIN assets a ON a.id = e.asset_id
                        WHERE e.dimensions = \(dimensions) AND e.model = $2 AND e.segment = 0 AND a.owner = $3
                          AND e.asset_id <> $4
                        ORDER BY e.vector::halfvec(\(dimensions)) <=> $1::halfvec(\(dimensions))
                        LIMIT $5
                        """,
                    binds: {
                        var binds = PostgresBindings()
                        binds.append(text)
                        binds.append(model)
                        binds.append(owner)
                        binds.append(asset)
                        binds.append(limit)
                        return binds
                    }()), logger: logger)
            var result: [(UUID, Double)] = []
            for try await (id, cosine) in rows.decode((UUID, Double).self) { result.append((id, cosine)) }
            return result
        }
    }

    /// Replaces every pair `asset` is part of with `pairs` (the other member and the evidence).
    public func replacePairs(
        of asset: UUID, owner: String, with pairs: [(other: UUID, evidence: DuplicateEvidence)]
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let others = pairs.map(\.other)
        let tiers = pairs.map(\.evidence.tier.rawValue)
        let evidence = try pairs.map { String(decoding: try encoder.encode($0.evidence), as: UTF8.self) }
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "DELETE FROM duplicate_pairs WHERE asset_a = \(asset) OR asset_b = \(asset)", logger: logger)
            guard !pairs.isEmpty else { return }
            try await connection.query(
                """
                INSERT INTO duplicate_pairs (asset_a, asset_b, owner, tier, evidence)
                SELECT least(other, \(asset)), greatest(other, \(asset)), \(owner), tier, evidence::jsonb
                FROM unnest(\(others)::uuid[], \(tiers)::text[], \(evidence)::text[]) AS x(other, tier, evidence)
                ON CONFLICT (asset_a, asset_b) DO UPDATE SET tier = excluded.tier, evidence = excluded.evidence,
                    found_at = now()
                """, logger: logger)
        }
    }

    /// The owner's pairs between live media that no admin has dismissed.
    public func pairs(owner: String) async throws -> [(a: UUID, b: UUID, evidence: DuplicateEvidence)] {
        let rows = try await client.query(
            """
            SELECT p.asset_a, p.asset_b, p.evidence::text FROM duplicate_pairs p
            JOIN assets a ON a.id = p.asset_a JOIN assets b ON b.id = p.asset_b
            WHERE p.owner = \(owner)
              AND a.trashed_at IS NULL AND b.trashed_at IS NULL AND a.status <> 'purged' AND b.status <> 'purged'
              AND NOT EXISTS (SELECT 1 FROM not_duplicate_pairs n WHERE n.asset_a = p.asset_a AND n.asset_b = p.asset_b)
            ORDER BY p.asset_a, p.asset_b
            """, logger: logger)
        var pairs: [(a: UUID, b: UUID, evidence: DuplicateEvidence)] = []
        let decoder = JSONDecoder()
        for try await (a, b, text) in rows.decode((UUID, UUID, String).self) {
            pairs.append((a, b, try decoder.decode(DuplicateEvidence.self, from: Data(text.utf8))))
        }
        return pairs
    }
}
