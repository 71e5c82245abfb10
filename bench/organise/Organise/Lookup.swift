import Catalog
import Foundation
import Logging
import PostgresNIO

/// Finding one new asset's duplicate candidates, as the organise stage does (equal pixel digests,
/// the perceptual-hash bands, the HNSW neighbours), with `stored` hashes and 512-d vectors of one
/// owner in the catalog. The rows are made in SQL: vectors around 200 centres, hashes random with
/// a near copy for every hundredth.
enum LookupBench {
    static func run(catalog: CatalogDatabase, stored: Int, queries: Int) async throws {
        let client = catalog.client
        let logger = catalog.logger
        print("== duplicate look-up with \(stored) stored hashes and vectors ==")
        let existing = try await count(client, "SELECT count(*)::int FROM assets WHERE owner = 'bench'")
        if existing < stored {
            let start = ContinuousClock.now
            try await client.query("DROP INDEX IF EXISTS embeddings_hnsw_512", logger: logger)
            try await client.query(
                """
                CREATE TABLE IF NOT EXISTS bench_centres AS
                SELECT g AS id, array_agg(random() - 0.5 ORDER BY i)::real[] AS v
                FROM generate_series(0, 199) g, generate_series(1, 512) i GROUP BY g
                """, logger: logger)
            // In slices of 50,000: one statement per slice keeps each transaction's memory small.
            var made = existing
            while made < stored {
                let slice = min(50_000, stored - made)
                try await client.query(
                    """
                    WITH made AS (
                        INSERT INTO assets (id, kind, owner, sha256, size, media_type, storage_key, status, metadata)
                        SELECT gen_random_uuid(), 'image', 'bench', sha256(('bench' || n)::bytea), 100000, 'image/jpeg',
                               'raw/bench/' || n, 'ready', '{"image": {"width": 4000, "height": 3000}}'
                        FROM generate_series(\(made), \(made + slice - 1)) n
                        RETURNING id, (substr(storage_key, 11))::int AS n
                    ), hashes AS (
                        INSERT INTO perceptual_hashes (asset_id, segment, hash, stage, version)
                        SELECT id, 0, CASE WHEN n % 100 = 1 THEN 6148914691236517205 # (1::bigint << (n % 60))
                                           ELSE (random() * 9.2e18)::bigint # ((random() < 0.5)::int::bigint << 63) END,
                               'media', 'bench'
                        FROM made
                    )
                    INSERT INTO embeddings (asset_id, model, segment, vector, stage, version)
                    SELECT m.id, 'bench', 0,
                           (SELECT array_agg(c.v[i] + 0.06 * (random() - 0.5) ORDER BY i) FROM generate_series(1, 512) i)::vector,
                           'embed', 'bench'
                    FROM made m JOIN bench_centres c ON c.id = m.n % 200
                    """, logger: logger)
                made += slice
            }
            let loaded = ContinuousClock.now
            try await client.query("SET maintenance_work_mem = '2GB'", logger: logger)
            try await catalog.embeddings.ensureIndex(dimensions: 512)
            try await client.query("ANALYZE assets", logger: logger)
            try await client.query("ANALYZE perceptual_hashes", logger: logger)
            try await client.query("ANALYZE embeddings", logger: logger)
            print(
                String(
                    format: "loaded %d rows in %.0f s, HNSW index built in %.0f s", stored - existing,
                    seconds(loaded - start), seconds(ContinuousClock.now - loaded)))
        }
        // Query assets spread over the table.
        let rows = try await client.query(
            """
            SELECT id FROM assets WHERE owner = 'bench' AND (substr(storage_key, 11))::int % \(max(1, stored / queries)) = 1
            LIMIT \(queries)
            """, logger: logger)
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        let duplicates = catalog.duplicates
        // One round to warm the caches, then the measured one.
        for id in ids.prefix(20) {
            _ = try await duplicates.candidates(of: id, owner: "bench", hashDistance: 8, model: "bench", nearest: 20)
        }
        var times: [Double] = []
        var found = 0
        for id in ids {
            let start = ContinuousClock.now
            found += try await duplicates.candidates(
                of: id, owner: "bench", hashDistance: 8, model: "bench", nearest: 20
            ).count
            times.append(seconds(ContinuousClock.now - start) * 1000)
        }
        let sorted = times.sorted()
        print(
            String(
                format: "look-up per new asset (%d queries): median %.2f ms, p95 %.2f ms; %.1f candidates each",
                times.count, median(times), sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))],
                Double(found) / Double(max(ids.count, 1))))
    }

    static func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "bench"))
        for try await value in rows.decode(Int.self) { return value }
        return 0
    }
}
