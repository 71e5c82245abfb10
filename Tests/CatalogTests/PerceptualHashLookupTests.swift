import Catalog
import Foundation
import PostgresNIO
import Testing

@testable import TestSupport

/// Near-duplicate look-ups by Hamming distance: the banded index finds exactly what a full scan
/// finds, and the plan reads the band indexes rather than every hash.
@Suite struct PerceptualHashLookupTests {
    @Test func theBandedLookUpFindsExactlyWhatAFullScanFinds() async throws {
        try await withCatalog { catalog, _ in
            let ids = try await recordAssets(
                200, kind: .image, in: catalog, root: StageReference(name: "verify", version: "1"))
            let target: UInt64 = 0xA5A5_F00F_1234_8001
            var generator = SystemRandomNumberGenerator()
            // 50 random hashes per asset, and a few planted at known distances from the target.
            var rows: [(UUID, Int, UInt64)] = []
            for (index, id) in ids.enumerated() {
                for segment in 0..<50 { rows.append((id, segment, generator.next())) }
                if index < 12 {
                    var planted = target
                    for bit in stride(from: 0, to: index, by: 1) { planted ^= 1 << UInt64((bit * 5) % 64) }
                    rows.append((id, 50, planted))
                }
            }
            try await catalog.client.query(
                """
                INSERT INTO perceptual_hashes (asset_id, segment, hash, stage, version)
                SELECT a, s, h, 'media', '1'
                FROM unnest(\(rows.map(\.0))::uuid[], \(rows.map { Int32($0.1) })::int[],
                            \(rows.map { Int64(bitPattern: $0.2) })::bigint[]) AS x(a, s, h)
                """, logger: TestCluster.logger)
            try await catalog.client.query("ANALYZE perceptual_hashes", logger: TestCluster.logger)

            for distance in [0, 3, 6, 10] {
                let found = try await catalog.perceptualHashes.near(target, within: distance, owner: nil, limit: 1000)
                let expected = rows.filter { ($0.2 ^ target).nonzeroBitCount <= distance }
                #expect(
                    Set(found.map { "\($0.assetID)/\($0.segment)" }) == Set(expected.map { "\($0.0)/\($0.1)" }),
                    "within \(distance)")
                #expect(found.allSatisfy { ($0.hash ^ target).nonzeroBitCount == $0.distance })
                #expect(found.map(\.distance) == found.map(\.distance).sorted())
            }
            #expect(try await catalog.perceptualHashes.near(target, within: 3, owner: "nobody").isEmpty)

            // The plan: the band indexes, not a scan of every hash.
            try await catalog.client.query("SET enable_seqscan = off", logger: TestCluster.logger)
            let plan = try await catalog.client.query(
                "EXPLAIN SELECT * FROM perceptual_hashes WHERE band0 = ANY('{1,2}'::int[]) OR band1 = ANY('{3}'::int[])",
                logger: TestCluster.logger)
            var text = ""
            for try await line in plan.decode(String.self) { text += line + "\n" }
            #expect(text.contains("perceptual_hashes_band0") && text.contains("perceptual_hashes_band1"), "\(text)")
        }
    }
}
