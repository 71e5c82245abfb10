import Foundation
import Logging
import PostgresNIO

/// Reading clusters, and what the organise pass needs: the unsorted pool's vectors, the approved
/// clusters' centres, and the tags and dates that name a new cluster.
public struct ClusterRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    static let columns = """
        c.id, c.owner, c.name, c.slug, c.state, c.merged_into, c.cohesion, c.exemplars, c.created_at, c.updated_at,
        (SELECT count(*)::int FROM assets m WHERE m.cluster_id = c.id AND m.trashed_at IS NULL)
        """

    public func list(owner: String?, includeMerged: Bool = false) async throws -> [ClusterRecord] {
        try await records(
            client.query(
                """
                SELECT \(unescaped: Self.columns) FROM clusters c
                WHERE (\(owner)::text IS NULL OR c.owner = \(owner)) AND (\(includeMerged) OR c.state = 'active')
                ORDER BY c.created_at, c.id
                """, logger: logger))
    }

    public func cluster(_ id: UUID) async throws -> ClusterRecord? {
        try await records(
            client.query("SELECT \(unescaped: Self.columns) FROM clusters c WHERE c.id = \(id)", logger: logger)
        ).first
    }

    /// A page of a cluster's members in id order, after `cursor`.
    public func members(of id: UUID, after cursor: UUID?, limit: Int) async throws -> [AssetRecord] {
        let start = cursor ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        let rows = try await client.query(
            """
            SELECT \(unescaped: AssetRepository.columns) FROM assets
            WHERE cluster_id = \(id) AND trashed_at IS NULL AND id > \(start)
            ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var assets: [AssetRecord] = []
        for try await row in rows { assets.append(try AssetRepository.decode(row)) }
        return assets
    }

    /// The most common tags among a cluster's members, with how many carry each.
    public func tags(of id: UUID, limit: Int = 10) async throws -> [(tag: String, members: Int)] {
        let rows = try await client.query(
            """
            SELECT t.tag, count(DISTINCT t.asset_id)::int FROM asset_tags t JOIN assets a ON a.id = t.asset_id
            WHERE a.cluster_id = \(id) AND a.trashed_at IS NULL
            GROUP BY t.tag ORDER BY 2 DESC, 1 LIMIT \(limit)
            """, logger: logger)
        var tags: [(tag: String, members: Int)] = []
        for try await (tag, count) in rows.decode((String, Int).self) { tags.append((tag, count)) }
        return tags
    }

    func records(_ rows: PostgresRowSequence) async throws -> [ClusterRecord] {
        var records: [ClusterRecord] = []
        for try await row in rows {
            let c = try row.decode(
                (UUID, String, String, String, String, UUID?, Double?, [UUID], Date, Date, Int).self)
            records.append(
                ClusterRecord(
                    id: c.0, owner: c.1, name: c.2, slug: c.3, state: try .decoded(c.4, column: "clusters.state"),
                    mergedInto: c.5, cohesion: c.6, exemplars: c.7, memberCount: c.10, createdAt: c.8, updatedAt: c.9))
        }
        return records
    }

    // MARK: The organise pass

    /// The owner's live media in no cluster, with their vector of `model` (segment 0) as pgvector
    /// writes it (`VectorText.values` reads it; parsing is left to the caller's compute pool).
    public func unsortedVectors(owner: String, model: String) async throws -> [(id: UUID, text: String)] {
        let rows = try await client.query(
            """
            SELECT a.id, e.vector::text FROM assets a
            JOIN embeddings e ON e.asset_id = a.id AND e.model = \(model) AND e.segment = 0
            WHERE a.owner = \(owner) AND a.cluster_id IS NULL AND a.trashed_at IS NULL
              AND a.kind IN ('image', 'video') AND a.status <> 'purged'
            ORDER BY a.id
            """, logger: logger)
        var result: [(id: UUID, text: String)] = []
        for try await (id, text) in rows.decode((UUID, String).self) { result.append((id, text)) }
        return result
    }

    /// Recomputes the centroids of the owner's clusters from their members' vectors of `model`,
    /// then returns the clusters that have one, with the media an admin took out of each.
    public func centres(owner: String, model: String) async throws -> [ClusterCentre] {
        try await client.query(
            """
            UPDATE clusters c SET centroid = m.centroid
            FROM (
                SELECT a.cluster_id, l2_normalize(avg(e.vector)) AS centroid
                FROM assets a JOIN embeddings e ON e.asset_id = a.id AND e.model = \(model) AND e.segment = 0
                WHERE a.owner = \(owner) AND a.cluster_id IS NOT NULL AND a.trashed_at IS NULL
                GROUP BY a.cluster_id
            ) m
            WHERE c.id = m.cluster_id AND c.state = 'active' AND c.centroid IS DISTINCT FROM m.centroid
            """, logger: logger)
        let rows = try await client.query(
            """
            SELECT c.id, c.name, c.centroid::text,
                   coalesce((SELECT array_agg(x.asset_id) FROM cluster_exclusions x WHERE x.cluster_id = c.id), '{}')
            FROM clusters c
            WHERE c.owner = \(owner) AND c.state = 'active' AND c.centroid IS NOT NULL
            ORDER BY c.id
            """, logger: logger)
        var centres: [ClusterCentre] = []
        for try await (id, name, centroid, excluded) in rows.decode((UUID, String, String, [UUID]).self) {
            centres.append(
                ClusterCentre(id: id, name: name, centroid: VectorText.values(centroid), excluded: Set(excluded)))
        }
        return centres
    }

    /// Each asset's tags (the tag stage's and those carried over from duplicates) and its month
    /// ("YYYY-MM": captured, else uploaded), to name a proposed cluster.
    public func namingFacts(_ ids: [UUID]) async throws -> [UUID: (tags: [String], month: String)] {
        let rows = try await client.query(
            """
            SELECT a.id,
                   coalesce(array_agg(t.tag ORDER BY t.score DESC) FILTER (WHERE t.tag IS NOT NULL), '{}'),
                   left(coalesce(a.metadata->'exif'->>'captured_at', a.metadata->'carried'->>'captured_at',
                                 to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM')), 7)
            FROM assets a LEFT JOIN asset_tags t ON t.asset_id = a.id
            WHERE a.id = ANY(\(ids)::uuid[])
            GROUP BY a.id
            """, logger: logger)
        var facts: [UUID: (tags: [String], month: String)] = [:]
        for try await (id, tags, month) in rows.decode((UUID, [String], String).self) { facts[id] = (tags, month) }
        return facts
    }
}
