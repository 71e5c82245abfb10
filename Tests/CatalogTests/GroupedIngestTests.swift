import Catalog
import Foundation
import PostgresNIO
import Testing

@testable import TestSupport

/// Concurrent one-document ingests share statements (one commit for many), and each still gets
/// exactly what it would alone: its own asset, or the owner's existing one recorded as a repeat.
@Suite struct GroupedIngestTests {
    static func document(_ text: String) -> NewAsset {
        let sha256 = String(format: "%064x", abs(text.hashValue) % Int(Int32.max))
        return NewAsset(
            kind: .json, sha256: sha256, size: Int64(text.utf8.count), mediaType: "application/json",
            originalFilename: nil, storageKey: "inline/\(sha256)", comments: nil, metadata: [:],
            inlineContent: ByteBuffer(string: text))
    }

    /// 60 requests at once from three owners: 20 distinct documents each owner sends, half of them
    /// twice. Every request is answered with its owner's asset; each owner has one asset per
    /// document; a second send is a recorded repeat; and fewer statements than requests ran.
    @Test func concurrentRequestsShareStatementsAndEachGetsItsOwnAnswer() async throws {
        try await withCatalog { catalog, _ in
            let owners = ["ann", "bob", "cid"]
            let sends = owners.flatMap { owner in (0..<20).map { (owner, "doc-\($0 % 10)") } }
            let answers = try await withThrowingTaskGroup(of: (String, String, UUID).self) { group in
                for (owner, text) in sends {
                    group.addTask {
                        let receipt = try await catalog.ingests.record(
                            owner: owner, assets: [Self.document(text)], firstStage: .verify, maxAttempts: 3,
                            actor: "key:\(owner)")
                        return (owner, text, receipt.assetIDs[0])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 60)
            for owner in owners {
                let mine = answers.filter { $0.0 == owner }
                // One asset per document, the same for both sends.
                #expect(Set(mine.map(\.2)).count == 10)
                for text in Set(mine.map(\.1)) {
                    #expect(Set(mine.filter { $0.1 == text }.map(\.2)).count == 1)
                }
            }
            let counts = try await catalog.client.query(
                """
                SELECT (SELECT count(*) FROM assets)::int, (SELECT count(*) FROM jobs)::int,
                       (SELECT count(*) FROM lineage WHERE action = 'ingest.repeated')::int,
                       (SELECT count(*) FROM ingest_request_items)::int,
                       (SELECT count(DISTINCT xmin::text) FROM assets)::int,
                       (SELECT count(*) FROM inline_blobs)::int
                """, logger: TestCluster.logger)
            for try await (assets, jobs, repeats, items, statements, blobs) in counts.decode(
                (Int, Int, Int, Int, Int, Int).self)
            {
                #expect(assets == 30 && jobs == 30 && repeats == 30 && items == 60)
                #expect(blobs == 10)
                // Rows written by one statement share its transaction id.
                #expect(statements < 30)
            }
            #expect(try await catalog.lineageVerifier.verify().intact)
        }
    }

    /// A request PostgreSQL refuses (here a content address that is not hex) fails alone: the
    /// requests that shared its statement are recorded.
    @Test func aRefusedRequestFailsAloneAndTheOthersAreRecorded() async throws {
        try await withCatalog { catalog, _ in
            let bad = NewAsset(
                kind: .json, sha256: String(repeating: "z", count: 64), size: 2, mediaType: "application/json",
                originalFilename: nil, storageKey: "raw/bad", comments: nil, metadata: [:])
            let results = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        let asset = index == 7 ? bad : Self.document("good-\(index)")
                        let receipt = try? await catalog.ingests.record(
                            owner: "dan", assets: [asset], firstStage: .verify, maxAttempts: 3, actor: "key:dan")
                        return receipt != nil
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 29)
            let rows = try await catalog.client.query("SELECT count(*)::int FROM assets", logger: TestCluster.logger)
            for try await count in rows.decode(Int.self) { #expect(count == 29) }
        }
    }
}
