import Foundation
import PostgresNIO

extension AssetRepository {
    /// The derived blob of `kind` (`thumbnail`, `frame-3`…) of an asset, once a stage made it.
    public func derivedBlob(of assetID: UUID, kind: String) async throws -> DerivedBlob? {
        try await derivedBlobs(of: assetID, kinds: [kind])[kind]
    }

    /// Several derived blobs of an asset in one round trip (a video's CLIP inputs), by kind.
    public func derivedBlobs(of assetID: UUID, kinds: [String]) async throws -> [String: DerivedBlob] {
        let rows = try await client.query(
            """
            SELECT kind, storage_key, media_type, size, width, height FROM derived_blobs
            WHERE asset_id = \(assetID) AND kind = ANY(\(kinds))
            """, logger: logger)
        var blobs: [String: DerivedBlob] = [:]
        for try await (kind, key, mediaType, size, width, height) in rows.decode(
            (String, String, String, Int64, Int?, Int?).self)
        {
            blobs[kind] = DerivedBlob(
                kind: kind, storageKey: key, mediaType: mediaType, size: size, width: width, height: height)
        }
        return blobs
    }
}

/// One tag of an asset, with the stage that gave it and its score.
public struct AssetTag: Sendable, Codable, Equatable {
    public let tag: String
    public let score: Float
    public let source: String
}

extension AssetRepository {
    /// An asset's tags, best first.
    public func tags(of assetID: UUID) async throws -> [AssetTag] {
        let rows = try await client.query(
            "SELECT tag, score, source FROM asset_tags WHERE asset_id = \(assetID) ORDER BY score DESC, tag",
            logger: logger)
        var tags: [AssetTag] = []
        for try await (tag, score, source) in rows.decode((String, Float, String).self) {
            tags.append(AssetTag(tag: tag, score: score, source: source))
        }
        return tags
    }
}
