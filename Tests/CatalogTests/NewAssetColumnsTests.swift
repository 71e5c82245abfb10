import Catalog
import Foundation
import NIOCore
import PostgresNIO
import Testing

@testable import TestSupport

/// The ingest binds new assets column by column (binary arrays, NULLs included): every value
/// arrives as sent, an absent one as NULL and an empty one as empty, whether a request is recorded
/// alone or shares its statement with others.
@Suite struct NewAssetColumnsTests {
    static func asset(
        _ text: String, filename: String?, comments: String?, inline: Bool, stages: [InitialStage]? = nil
    ) -> NewAsset {
        let sha256 =
            String(repeating: String(text.count % 10), count: 4) + String(format: "%060x", text.hashValue & 0xFFFF_FFFF)
        return NewAsset(
            kind: .json, sha256: sha256, size: Int64(text.utf8.count), mediaType: "application/json",
            originalFilename: filename, storageKey: inline ? "inline/\(sha256)" : "ab/\(sha256)", comments: comments,
            metadata: ["note": .string("ünïcode \"quoted\"")], inlineContent: inline ? ByteBuffer(string: text) : nil,
            initialStages: stages)
    }

    @Test(arguments: [1, 3])
    func everyColumnArrivesAsSentWithNullsKeptApartFromEmptyValues(items: Int) async throws {
        try await withCatalog { catalog, _ in
            let settled = [
                InitialStage(.verify, state: .done),
                InitialStage(StageReference(name: "later", version: "2"), state: .skipped, skipReason: "no model"),
            ]
            let assets = [
                Self.asset(#"{"a":1}"#, filename: "a.json", comments: "", inline: true, stages: settled),
                Self.asset(#"{"b":22}"#, filename: nil, comments: nil, inline: false),
                Self.asset(#"{"c":333}"#, filename: "", comments: "kept, with \u{1F600}", inline: true),
            ].prefix(items)
            let receipt = try await catalog.ingests.record(
                owner: "ann", assets: Array(assets), firstStage: .verify, maxAttempts: 4, actor: "key:ann")
            for (asset, id) in zip(assets, receipt.assetIDs) {
                let rows = try await catalog.client.query(
                    """
                    SELECT a.original_filename, a.comments, a.metadata->>'note', encode(a.sha256, 'hex'), a.size,
                           a.status, b.content
                    FROM assets a LEFT JOIN inline_blobs b ON b.sha256 = a.sha256 WHERE a.id = \(id)
                    """, logger: TestCluster.logger)
                var found = false
                for try await (filename, comments, note, sha256, size, status, content) in rows.decode(
                    (String?, String?, String?, String, Int64, String, ByteBuffer?).self)
                {
                    found = true
                    #expect(filename == asset.originalFilename)
                    #expect(comments == asset.comments)
                    #expect(note == "ünïcode \"quoted\"")
                    #expect(sha256 == asset.sha256)
                    #expect(size == asset.size)
                    #expect(status == (asset.initialStages == nil ? "stored" : "ready"))
                    #expect(content == asset.inlineContent)
                }
                #expect(found)
                let jobs = try await catalog.client.query(
                    "SELECT stage, version, state, skip_reason, max_attempts FROM jobs WHERE asset_id = \(id) ORDER BY id",
                    logger: TestCluster.logger
                ).decode((String, String, String, String?, Int).self).reduce(into: [String]()) {
                    $0.append("\($1.0) \($1.1) \($1.2) \($1.3 ?? "-") \($1.4)")
                }
                #expect(
                    jobs
                        == (asset.initialStages == nil
                            ? ["verify 1 queued - 4"] : ["verify 1 done - 4", "later 2 skipped no model 4"]))
            }
        }
    }
}
