import Catalog
import Foundation
import PostgresNIO
import Testing

@testable import TestSupport

/// Enums cross the SQL boundary typed: a value this build does not know (written by a newer
/// version, or by hand) is an error naming the column, never read as some default.
@Suite struct CatalogEnumTests {
    @Test func anUnknownStatusIsAnErrorNotADefault() async throws {
        try await withCatalog { catalog, _ in
            let sha256 = String(repeating: "ab", count: 32)
            let receipt = try await catalog.ingests.record(
                owner: "enum",
                assets: [
                    NewAsset(
                        kind: .json, sha256: sha256, size: 2, mediaType: "application/json", originalFilename: nil,
                        storageKey: "raw/ab/ab/\(sha256)", comments: nil, metadata: [:])
                ], firstStage: .verify, maxAttempts: 5, actor: "test")
            let id = try #require(receipt.assetIDs.first)
            #expect(try await catalog.assets.find(id)?.status == .stored)
            try await catalog.client.query(
                "ALTER TABLE assets DROP CONSTRAINT assets_status_check", logger: TestCluster.logger)
            try await catalog.client.query(
                "UPDATE assets SET status = 'archived' WHERE id = \(id)", logger: TestCluster.logger)
            await #expect(throws: UnknownValue.self) { try await catalog.assets.find(id) }
            await #expect(throws: UnknownValue.self) { try await catalog.ingests.status(of: receipt.requestID) }
        }
    }
}
