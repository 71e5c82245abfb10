import Foundation
import PostgresNIO

/// A medium as a search result shows it: the asset and its best tags.
public struct SearchedAsset: Sendable {
    public let asset: AssetRecord
    /// Best first, at most five, each once whatever stage gave it.
    public let tags: [String]
    /// `taken`, the camera's local time, when known.
    public let taken: String?
}

extension MediaSearchRepository {
    /// The results' assets, in one statement, keyed by id.
    public func assets(_ ids: [UUID]) async throws -> [UUID: SearchedAsset] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await client.query(
            """
            SELECT \(unescaped: AssetRepository.columns(of: "a")), a.taken,
                   ARRAY(SELECT t.tag FROM asset_tags t WHERE t.asset_id = a.id
                         GROUP BY t.tag ORDER BY max(t.score) DESC, t.tag LIMIT 5)
            FROM assets a WHERE a.id = ANY(\(ids))
            """, logger: logger)
        var found: [UUID: SearchedAsset] = [:]
        let width = AssetRepository.columnCount
        for try await row in rows {
            let asset = try AssetRepository.decode(row)
            let cells = row.makeRandomAccess()
            found[asset.id] = SearchedAsset(
                asset: asset, tags: try cells[width + 1].decode([String].self, context: .default),
                taken: try cells[width].decode(String?.self, context: .default))
        }
        return found
    }
}

extension MediaSearchRepository {
    /// When each medium was taken (the camera's local time), else when it was uploaded (UTC), in
    /// one text form that sorts: what `sort=date` orders by.
    public func times(of ids: [UUID]) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await client.query(
            """
            SELECT id, coalesce(taken, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'))
            FROM assets WHERE id = ANY(\(ids))
            """, logger: logger)
        var times: [UUID: String] = [:]
        for try await (id, time) in rows.decode((UUID, String).self) { times[id] = time }
        return times
    }
}
