import Foundation
import PostgresNIO

extension AssetRepository {
    /// The derived blob of `kind` (`thumbnail`, `frame-3`…) of an asset, once a stage made it.
    public func derivedBlob(of assetID: UUID, kind: String) async throws -> DerivedBlob? {
        let rows = try await client.query(
            """
            SELECT kind, storage_key, media_type, size, width, height FROM derived_blobs
            WHERE asset_id = \(assetID) AND kind = \(kind)
            """, logger: logger)
        for try await (kind, key, mediaType, size, width, height) in rows.decode(
            (String, String, String, Int64, Int?, Int?).self)
        {
            return DerivedBlob(
                kind: kind, storageKey: key, mediaType: mediaType, size: size, width: width, height: height)
        }
        return nil
    }
}
