import Foundation
import Logging
import PostgresNIO

/// One row of a search: the asset's row number (see `Synthetic.assetID`), the segment, the similarity.
struct Hit: Sendable {
    let row: Int
    let segment: Int
    let similarity: Double
}

enum Queries {
    /// The service's vector search, mirrored exactly (one transaction: `ef_search`, the relaxed
    /// iterative scan, the HNSW order over the partial halfvec index with the owner's live assets
    /// joined, and the optional tag filter), so it can later be replaced by the repository call.
    /// With `relaxed_order` the rows can come slightly out of order: sorted here by similarity.
    static func vectorSearch(
        client: PostgresClient, vector: String, model: String, owner: String, tag: String?, ef: Int, k: Int,
        logger: Logger
    ) async throws -> [Hit] {
        try await client.withTransaction(logger: logger) { connection in
            // An integer chosen here, spelled into the statement: SET takes no bound parameters.
            try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL hnsw.ef_search = \(ef)"), logger: logger)
            try await connection.query("SET LOCAL hnsw.iterative_scan = relaxed_order", logger: logger)
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: serviceSQL(filtered: tag != nil), binds: binds(vector, model, owner, tag, k)),
                logger: logger)
            return try await hits(rows).sorted { $0.similarity > $1.similarity }
        }
    }

    /// The statement `vectorSearch` runs ($1 vector, $2 model, $3 owner, [$4 tag,] then k).
    static func serviceSQL(filtered: Bool) -> String {
        """
        SELECT e.asset_id, e.segment, 1 - (e.vector::halfvec(512) <=> $1::halfvec(512)) AS similarity
        FROM embeddings e JOIN assets a ON a.id = e.asset_id
        WHERE e.dimensions = 512 AND e.model = $2 AND a.owner = $3 AND a.trashed_at IS NULL AND a.status <> 'purged'
        \(filtered ? "AND EXISTS (SELECT 1 FROM asset_tags t WHERE t.asset_id = a.id AND t.tag = $4)" : "")
        ORDER BY e.vector::halfvec(512) <=> $1::halfvec(512)
        LIMIT \(filtered ? "$5" : "$4")
        """
    }

    /// For comparison only: the service's search with the iterative scan in `order` and `fetch`
    /// rows asked for, of which the caller keeps the best `k` (more rows give the relaxed order
    /// room to bring in the nearer matches found later).
    static func variantSearch(
        client: PostgresClient, vector: String, tag: String?, order: String, ef: Int, fetch: Int, k: Int,
        logger: Logger
    ) async throws -> [Hit] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL hnsw.ef_search = \(ef)"), logger: logger)
            try await connection.query(
                PostgresQuery(unsafeSQL: "SET LOCAL hnsw.iterative_scan = \(order)"), logger: logger)
            let rows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: serviceSQL(filtered: tag != nil),
                    binds: binds(vector, Synthetic.model, Synthetic.owner, tag, fetch)), logger: logger)
            return Array(try await hits(rows).sorted { $0.similarity > $1.similarity }.prefix(k))
        }
    }

    /// For comparison only: the same search over a full-precision HNSW index
    /// (`(vector::vector(512)) vector_cosine_ops`), unfiltered.
    static func fullPrecisionSearch(
        client: PostgresClient, vector: String, model: String, owner: String, ef: Int, k: Int, logger: Logger
    ) async throws -> [Hit] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL hnsw.ef_search = \(ef)"), logger: logger)
            try await connection.query("SET LOCAL hnsw.iterative_scan = relaxed_order", logger: logger)
            let rows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT e.asset_id, e.segment, 1 - (e.vector::vector(512) <=> $1::vector(512)) AS similarity
                        FROM embeddings e JOIN assets a ON a.id = e.asset_id
                        WHERE e.dimensions = 512 AND e.model = $2 AND a.owner = $3 AND a.trashed_at IS NULL
                          AND a.status <> 'purged'
                        ORDER BY e.vector::vector(512) <=> $1::vector(512)
                        LIMIT $4
                        """, binds: binds(vector, model, owner, nil, k)), logger: logger)
            return try await hits(rows).sorted { $0.similarity > $1.similarity }
        }
    }

    /// The exact scan: the filtered rows materialised first (the index cannot be used on a
    /// materialised CTE), then ordered by the full-precision distance. Without a tag, the whole
    /// table is scanned in order of `vector <=>` (no index has that expression): exact too.
    static func exactSearch(
        client: PostgresClient, vector: String, model: String, owner: String, tag: String?, k: Int, logger: Logger
    ) async throws -> [Hit] {
        let sql =
            tag == nil
            ? """
            SELECT e.asset_id, e.segment, 1 - (e.vector <=> $1::vector) AS similarity
            FROM embeddings e JOIN assets a ON a.id = e.asset_id
            WHERE e.dimensions = 512 AND e.model = $2 AND a.owner = $3 AND a.trashed_at IS NULL AND a.status <> 'purged'
            ORDER BY e.vector <=> $1::vector
            LIMIT $4
            """
            : """
            WITH m AS MATERIALIZED (
                SELECT e.asset_id, e.segment, e.vector
                FROM embeddings e JOIN assets a ON a.id = e.asset_id
                WHERE e.dimensions = 512 AND e.model = $2 AND a.owner = $3 AND a.trashed_at IS NULL
                  AND a.status <> 'purged'
                  AND EXISTS (SELECT 1 FROM asset_tags t WHERE t.asset_id = a.id AND t.tag = $4)
            )
            SELECT asset_id, segment, 1 - (vector <=> $1::vector) AS similarity FROM m
            ORDER BY vector <=> $1::vector
            LIMIT $5
            """
        let rows = try await client.query(
            PostgresQuery(unsafeSQL: sql, binds: binds(vector, model, owner, tag, k)), logger: logger)
        return try await hits(rows)
    }

    /// Parts of the unfiltered search, to see where its time goes: `index` the HNSW order alone
    /// (a heap fetch for each id), `detoast` also the similarity (reads each row's vector from
    /// TOAST) and the model, `round trips` the transaction with its two SETs and `SELECT 1`.
    static func part(
        _ part: String, client: PostgresClient, vector: String, ef: Int, k: Int, logger: Logger
    ) async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL hnsw.ef_search = \(ef)"), logger: logger)
            try await connection.query("SET LOCAL hnsw.iterative_scan = relaxed_order", logger: logger)
            let sql: String
            switch part {
            case "index":
                sql = """
                    SELECT e.asset_id FROM embeddings e WHERE e.dimensions = 512
                    ORDER BY e.vector::halfvec(512) <=> $1::halfvec(512) LIMIT $2
                    """
            case "detoast":
                sql = """
                    SELECT e.asset_id, 1 - (e.vector::halfvec(512) <=> $1::halfvec(512)) FROM embeddings e
                    WHERE e.dimensions = 512 AND e.model = 'bench'
                    ORDER BY e.vector::halfvec(512) <=> $1::halfvec(512) LIMIT $2
                    """
            default:
                sql = "SELECT count(*)::int FROM (SELECT $1::text, $2::int) s"
            }
            var binds = PostgresBindings()
            binds.append(vector)
            binds.append(k)
            var count = 0
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            for try await _ in rows { count += 1 }
            return count
        }
    }

    /// `EXPLAIN (ANALYZE, BUFFERS)` of the service's search, in its transaction.
    static func explain(
        client: PostgresClient, vector: String, tag: String?, ef: Int, k: Int, logger: Logger
    ) async throws -> [String] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL hnsw.ef_search = \(ef)"), logger: logger)
            try await connection.query("SET LOCAL hnsw.iterative_scan = relaxed_order", logger: logger)
            let rows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: "EXPLAIN (ANALYZE, BUFFERS) " + serviceSQL(filtered: tag != nil),
                    binds: binds(vector, Synthetic.model, Synthetic.owner, tag, k)), logger: logger)
            var lines: [String] = []
            for try await line in rows.decode(String.self) { lines.append(line) }
            return lines
        }
    }

    /// Whether the planner reads the HNSW index for the service's search with `tag` (with a
    /// selective filter it may prefer the tag index and a sort: then no iterative scan runs).
    static func usesIndex(
        client: PostgresClient, vector: String, tag: String?, ef: Int, k: Int, logger: Logger
    )
        async throws -> Bool
    {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL hnsw.ef_search = \(ef)"), logger: logger)
            try await connection.query("SET LOCAL hnsw.iterative_scan = relaxed_order", logger: logger)
            let rows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: "EXPLAIN " + serviceSQL(filtered: tag != nil),
                    binds: binds(vector, Synthetic.model, Synthetic.owner, tag, k)), logger: logger)
            var uses = false
            for try await line in rows.decode(String.self) where line.contains("embeddings_hnsw_512") { uses = true }
            return uses
        }
    }

    private static func binds(
        _ vector: String, _ model: String, _ owner: String, _ tag: String?, _ k: Int
    )
        -> PostgresBindings
    {
        var binds = PostgresBindings()
        binds.append(vector)
        binds.append(model)
        binds.append(owner)
        if let tag { binds.append(tag) }
        binds.append(k)
        return binds
    }

    private static func hits(_ rows: PostgresRowSequence) async throws -> [Hit] {
        var hits: [Hit] = []
        for try await (id, segment, similarity) in rows.decode((UUID, Int, Double).self) {
            hits.append(Hit(row: Synthetic.number(of: id), segment: segment, similarity: similarity))
        }
        return hits
    }
}
