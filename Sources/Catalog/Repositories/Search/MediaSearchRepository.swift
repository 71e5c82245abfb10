import Foundation
import Logging
import PostgresNIO

/// The vector side of media search: the stored vectors nearest a query within a scope, the
/// vectors of chosen media (for their moments), and a sample of the scope for calibration.
public struct MediaSearchRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// How the nearest vectors are read; the defaults are what bench/search measured.
    public struct Tuning: Sendable, Equatable {
        /// HNSW candidates kept per step (`hnsw.ef_search`): recall against latency.
        public var efSearch: Int
        /// At most this many vectors in a filtered scope: they are all compared, exactly, instead
        /// of walking the index past the many that the filter then drops.
        public var exactScanBelow: Int

        /// bench/search at a million vectors: `ef_search` 200 reaches recall@10 0.959 at p99 8.4 ms;
        /// comparing every vector costs about 22 µs each, so below about 1,000 the exact scan is
        /// as fast as the index and never misses.
        public init(efSearch: Int = 200, exactScanBelow: Int = 1_000) {
            self.efSearch = efSearch
            self.exactScanBelow = exactScanBelow
        }
    }

    /// The `depth` stored vectors of `model` nearest `query` within `scope`, nearest first.
    ///
    /// A scope expected (`expectedVectors`, the planner's estimate) to hold at most
    /// `exactScanBelow` vectors is compared in full (exact, and cheaper than walking the index
    /// past the many the filters drop). Otherwise the HNSW index is read with pgvector's
    /// iterative scan, which keeps reading until `depth` rows pass the filters or
    /// `hnsw.max_scan_tuples` is reached; when it comes back short, the scope really is small
    /// (the estimate was wrong or old) and is compared in full after all, so `depth` results
    /// come back whenever that many match. The estimate only chooses the cheaper path, never
    /// what is found, so a caller may keep one for a while.
    public func nearest(
        to query: [Float], model: String, scope: MediaSearchScope, depth: Int, expected: Double,
        tuning: Tuning = Tuning()
    ) async throws -> (matches: [VectorMatch], scan: VectorScan) {
        guard EmbeddingRepository.indexableDimensions.contains(query.count) else { return ([], .exact) }
        if expected > Double(tuning.exactScanBelow) {
            let found = try await read(query, model: model, scope: scope, depth: depth, scan: .index, tuning: tuning)
            if found.count >= depth { return (found, .index) }
        }
        return (try await read(query, model: model, scope: scope, depth: depth, scan: .exact, tuning: tuning), .exact)
    }

    private func read(
        _ query: [Float], model: String, scope: MediaSearchScope, depth: Int, scan: VectorScan, tuning: Tuning
    ) async throws -> [VectorMatch] {
        let dimensions = query.count
        return try await client.transaction(logger: logger) { connection in
            var sql = BoundSQL()
            // Bound as a binary float4 array, cast to a vector by the server: no text to format
            // here and parse there, twice, on every query.
            let vector = "\(sql.bind(query))::real[]::vector"
            let modelParameter = sql.bind(model)
            let conditions = scope.conditions(&sql)
            let limit = sql.bind(depth)
            // The dimension is an integer computed here, spelled into the cast the index is built on.
            let half = "halfvec(\(dimensions))"
            let statement: String
            switch scan {
            case .index:
                // Both settings for this transaction only, in one round trip.
                let ef = String(max(1, min(tuning.efSearch, 1000)))
                try await connection.query(
                    """
                    SELECT set_config('hnsw.ef_search', \(ef), true),
                           set_config('hnsw.iterative_scan', 'relaxed_order', true)
                    """, logger: logger)
                statement = """
                    SELECT e.asset_id, e.segment, e.start_seconds, e.end_seconds, 1 - (e.vector <=> \(vector))
                    FROM embeddings e JOIN assets a ON a.id = e.asset_id
                    WHERE e.dimensions = \(dimensions) AND e.model = \(modelParameter) AND \(conditions)
                    ORDER BY e.vector::\(half) <=> (\(vector))::\(half)
                    LIMIT \(limit)
                    """
            case .exact:
                // Materialised, so the planner cannot order it by the index: every vector of the
                // scope is compared at full precision.
                statement = """
                    WITH scope AS MATERIALIZED (
                        SELECT e.asset_id, e.segment, e.start_seconds, e.end_seconds, e.vector
                        FROM embeddings e JOIN assets a ON a.id = e.asset_id
                        WHERE e.dimensions = \(dimensions) AND e.model = \(modelParameter) AND \(conditions)
                    )
                    SELECT asset_id, segment, start_seconds, end_seconds, 1 - (vector <=> \(vector))
                    FROM scope ORDER BY vector <=> \(vector), asset_id, segment
                    LIMIT \(limit)
                    """
            }
            let rows = try await connection.query(sql.query(statement), logger: logger)
            var matches: [VectorMatch] = []
            for try await (asset, segment, start, end, similarity) in rows.decode(
                (UUID, Int, Double?, Double?, Double).self)
            {
                matches.append(
                    VectorMatch(
                        assetID: asset, segment: segment, startSeconds: start, endSeconds: end,
                        similarity: similarity))
            }
            // The relaxed order is the index's half-precision one: put back in exact order.
            matches.sort {
                ($0.similarity, $1.assetID, $1.segment) > ($1.similarity, $0.assetID, $0.segment)
            }
            return matches
        }
    }

    /// The planner's estimate of the vectors of `model` in the scope: free next to counting them,
    /// and independent of the query, so it can be asked while the query is encoded.
    public func expectedVectors(model: String, scope: MediaSearchScope) async throws -> Double {
        var sql = BoundSQL()
        let modelParameter = sql.bind(model)
        let conditions = scope.conditions(&sql)
        let rows = try await client.query(
            sql.query(
                """
                EXPLAIN (FORMAT JSON) SELECT 1 FROM embeddings e JOIN assets a ON a.id = e.asset_id
                WHERE e.model = \(modelParameter) AND \(conditions)
                """), logger: logger)
        for try await plan in rows.decode(String.self) {
            let parsed = try JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [[String: Any]]
            return ((parsed?.first?["Plan"] as? [String: Any])?["Plan Rows"] as? NSNumber)?.doubleValue ?? 0
        }
        return 0
    }

    private func estimatedVectors() async throws -> Double {
        let rows = try await client.query(
            "SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = 'embeddings'::regclass", logger: logger)
        for try await count in rows.decode(Double.self) { return count }
        return 0
    }

    /// Every vector of `model` the given media have, compared with `query`: their similarity
    /// (a video's best moment or its pooled vector) and every moment, not only those the scan met.
    public func vectors(of assets: [UUID], model: String, comparedWith query: [Float]) async throws -> [VectorMatch] {
        guard !assets.isEmpty else { return [] }
        let rows = try await client.query(
            """
            SELECT asset_id, segment, start_seconds, end_seconds, 1 - (vector <=> \(query)::real[]::vector)
            FROM embeddings
            WHERE asset_id = ANY(\(assets)) AND model = \(model) AND dimensions = \(query.count)
            """, logger: logger)
        var matches: [VectorMatch] = []
        for try await (asset, segment, start, end, similarity) in rows.decode(
            (UUID, Int, Double?, Double?, Double).self)
        {
            matches.append(
                VectorMatch(
                    assetID: asset, segment: segment, startSeconds: start, endSeconds: end, similarity: similarity))
        }
        return matches
    }

    /// About `size` vectors of `model` drawn at random from the scope's owner (every owner when
    /// nil): what a query's similarity to an unrelated medium looks like, to calibrate the cut-off.
    /// Pages are sampled (`TABLESAMPLE SYSTEM`), so a large table is not read in full; a scope too
    /// small for that to find enough is read whole, in random order.
    public func sample(model: String, dimensions: Int, owner: String?, size: Int) async throws -> [[Float]] {
        let total = try await estimatedVectors()
        var sampled: [[Float]] = []
        if total > Double(size) * 20 {
            let percent = min(100, 100 * Double(size) * 4 / total)
            sampled = try await vectors(
                """
                SELECT e.vector::text FROM embeddings e TABLESAMPLE SYSTEM (\(percent))
                JOIN assets a ON a.id = e.asset_id
                WHERE e.model = \(model) AND e.dimensions = \(dimensions) AND (\(owner)::text IS NULL OR a.owner = \(owner))
                  AND a.trashed_at IS NULL
                LIMIT \(size)
                """)
        }
        if sampled.count < size / 2 {
            sampled = try await vectors(
                """
                SELECT e.vector::text FROM embeddings e JOIN assets a ON a.id = e.asset_id
                WHERE e.model = \(model) AND e.dimensions = \(dimensions) AND (\(owner)::text IS NULL OR a.owner = \(owner))
                  AND a.trashed_at IS NULL
                ORDER BY random() LIMIT \(size)
                """)
        }
        return sampled
    }

    private func vectors(_ query: PostgresQuery) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        for try await text in try await client.query(query, logger: logger).decode(String.self) {
            vectors.append(VectorText.values(text))
        }
        return vectors
    }
}
