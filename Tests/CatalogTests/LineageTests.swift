import Catalog
import Foundation
import PostgresNIO
import Testing

@testable import TestSupport

@Suite struct LineageTests {
    func makeAsset(_ catalog: CatalogDatabase, events: Int) async throws -> UUID {
        let asset = NewAsset(
            kind: .json, sha256: String(repeating: "ab", count: 32), size: 2, mediaType: "application/json",
            originalFilename: nil, storageKey: "raw/x", comments: nil, metadata: [:])
        let id = try await catalog.ingests.record(
            owner: "lineage", assets: [asset], firstStage: .verify, maxAttempts: 1, actor: "test"
        ).assetIDs[0]
        for index in 0..<events {
            try await catalog.lineage.append(
                NewLineageEvent(
                    actor: "test", action: "note", detail: ["index": .number(Double(index)), "text": "é ✓"]),
                to: id)
        }
        return id
    }

    @Test func anUntouchedLogVerifies() async throws {
        try await withCatalog { catalog, _ in
            _ = try await makeAsset(catalog, events: 5)
            _ = try await makeAsset(catalog, events: 0)
            let report = try await catalog.lineageVerifier.verify()
            #expect(report.intact)
            #expect(report.events == 7)
            #expect(report.chains == 1)  // same bytes, same owner: one asset
        }
    }

    @Test func theLogIsAppendOnly() async throws {
        try await withCatalog { catalog, _ in
            _ = try await makeAsset(catalog, events: 1)
            await #expect(throws: PSQLError.self) { try await catalog.client.query("DELETE FROM lineage") }
            await #expect(throws: PSQLError.self) { try await catalog.client.query("UPDATE lineage SET actor = 'x'") }
        }
    }

    /// Someone with direct database access bypasses the trigger and edits history: the chain shows it.
    @Test(arguments: [
        ("UPDATE lineage SET detail = '{\"index\": 99}' WHERE seq = 3", 3, "altered"),
        ("DELETE FROM lineage WHERE seq = 2", 3, "missing"),
        ("UPDATE lineage SET at = at + interval '1 second' WHERE seq = 4", 4, "altered"),
    ])
    func tamperingIsReportedAtTheFirstBrokenLink(statement: String, brokenSeq: Int, reason: String) async throws {
        try await withCatalog { catalog, _ in
            let id = try await makeAsset(catalog, events: 4)
            try await catalog.client.query("ALTER TABLE lineage DISABLE TRIGGER lineage_append_only")
            try await catalog.client.query(PostgresQuery(unsafeSQL: statement))
            let report = try await catalog.lineageVerifier.verify()
            let broken = try #require(report.firstBrokenLink)
            #expect(broken.subject == id.uuidString.lowercased())
            #expect(broken.seq == brokenSeq)
            #expect(broken.reason.contains(reason))
        }
    }
}
