import Foundation
import Logging
import PostgresNIO

/// Rows `existing..<count` of the synthetic catalog, made in Swift and streamed with `COPY … FROM
/// STDIN` (text): the assets, their 512-d embeddings and their tags. The HNSW indexes are
/// dropped first (building once over all rows is faster than inserting into the graph).
enum Load {
    static func run(
        client: PostgresClient, synthetic: Synthetic, from existing: Int, to count: Int, logger: Logger
    )
        async throws
    {
        try await client.query("DROP INDEX IF EXISTS embeddings_hnsw_512", logger: logger)
        try await client.query("DROP INDEX IF EXISTS bench_hnsw_vector_512", logger: logger)
        let start = ContinuousClock.now
        try await copy(
            client: client, table: "assets",
            columns: ["id", "kind", "owner", "sha256", "size", "media_type", "storage_key", "status"],
            rows: existing..<count, logger: logger
        ) { n, bytes in
            let hex = String(n, radix: 16)
            let line =
                "\(Synthetic.assetID(n))\timage\t\(Synthetic.owner)\t\\\\x"
                + String(repeating: "0", count: 64 - hex.count) + hex
                + "\t100000\timage/jpeg\traw/bench/\(n)\tready\n"
            bytes.append(contentsOf: line.utf8)
        }
        let assets = ContinuousClock.now
        var micro = [Int32](repeating: 0, count: Synthetic.dimensions)
        var values = [Float](repeating: 0, count: Synthetic.dimensions)
        try await copy(
            client: client, table: "embeddings",
            columns: ["asset_id", "model", "segment", "vector", "stage", "version"],
            rows: existing..<count, logger: logger
        ) { n, bytes in
            synthetic.row(n, micro: &micro, values: &values)
            bytes.append(contentsOf: "\(Synthetic.assetID(n))\t\(Synthetic.model)\t0\t".utf8)
            Synthetic.appendText(micro, to: &bytes)
            bytes.append(contentsOf: "\tembed\tbench\n".utf8)
        }
        let embeddings = ContinuousClock.now
        try await copy(
            client: client, table: "asset_tags", columns: ["asset_id", "source", "tag", "score"],
            rows: existing..<count, logger: logger
        ) { n, bytes in
            let level = synthetic.tagLevel(of: n)
            for tag in Synthetic.tags where level < tag.below {
                bytes.append(contentsOf: "\(Synthetic.assetID(n))\tbench\t\(tag.name)\t1\n".utf8)
            }
        }
        let tags = ContinuousClock.now
        try await client.query("VACUUM ANALYZE assets", logger: logger)
        try await client.query("VACUUM ANALYZE embeddings", logger: logger)
        try await client.query("VACUUM ANALYZE asset_tags", logger: logger)
        let end = ContinuousClock.now
        let rows = Double(count - existing)
        report(
            String(
                format:
                    "loaded %d rows in %.0f s (%.0f rows/s; COPY assets %.0f s, embeddings %.0f s, tags %.0f s), "
                    + "VACUUM ANALYZE %.0f s",
                count - existing, seconds(tags - start), rows / seconds(tags - start), seconds(assets - start),
                seconds(embeddings - assets), seconds(tags - embeddings), seconds(end - tags)))
    }

    /// One `COPY` of `rows`, each appended as text by `line`, sent in chunks of about 1 MiB.
    private static func copy(
        client: PostgresClient, table: String, columns: [String], rows: Range<Int>, logger: Logger,
        line: (Int, inout [UInt8]) -> Void
    ) async throws {
        try await client.withConnection { connection in
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                var bytes: [UInt8] = []
                bytes.reserveCapacity(1 << 21)
                for n in rows {
                    line(n, &bytes)
                    if bytes.count >= 1 << 20 {
                        try await writer.write(ByteBuffer(bytes: bytes))
                        bytes.removeAll(keepingCapacity: true)
                    }
                }
                if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
            }
        }
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
