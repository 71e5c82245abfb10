import Foundation
import Logging
import PostgresNIO

/// The vectors the embedding stage stored, and their indexes.
public struct EmbeddingRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Sizes pgvector's HNSW accepts for `halfvec`.
    public static let indexableDimensions = 1...4000

    /// `CREATE INDEX IF NOT EXISTS` for the dimension: a partial HNSW index over the rows of that
    /// size. Two processes may race to create it; the loser finds it made.
    ///
    /// `ef_construction` 128 rather than pgvector's 64: at a million 512-d vectors the default graph
    /// cannot reach recall@10 0.95 at any `ef_search` (0.937 at 800), this one does at 200 (0.959,
    /// p99 8.4 ms), for a build about a third longer and the same size (bench/search). An index
    /// made by an earlier version keeps its parameters until it is dropped and made again.
    public func ensureIndex(dimensions: Int) async throws {
        guard Self.indexableDimensions.contains(dimensions) else { return }
        // The dimension is an integer the service computed, never client text: it is spelled
        // into the DDL, which cannot take bound parameters.
        let statement = """
            CREATE INDEX IF NOT EXISTS embeddings_hnsw_\(dimensions) ON embeddings
            USING hnsw ((vector::halfvec(\(dimensions))) halfvec_cosine_ops) WITH (m = 16, ef_construction = 128)
            WHERE dimensions = \(dimensions)
            """
        do {
            try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // unique_violation on pg_class: created by another process at the same moment.
        }
    }

    /// One vector of an asset by `model`: segment 0 is a still's, or a video's pooled one.
    public func vector(of assetID: UUID, model: String, segment: Int = 0) async throws -> [Float]? {
        let rows = try await client.query(
            """
            SELECT vector::text FROM embeddings
            WHERE asset_id = \(assetID) AND model = \(model) AND segment = \(segment)
            """, logger: logger)
        for try await text in rows.decode(String.self) { return VectorText.values(text) }
        return nil
    }
}
