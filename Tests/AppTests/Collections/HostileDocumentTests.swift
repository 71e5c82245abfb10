import App
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing

@testable import TestSupport

/// Documents built to break schema inference get a clear error, or a treatment that loses
/// nothing (docs/json.md, "Hostile input"); either way the server stays up and nothing of a
/// refused request is kept.
@Suite struct HostileDocumentTests {
    static func assetCount(_ app: TestApp) async throws -> Int {
        let rows = try await app.catalog.client.query("SELECT count(*) FROM assets")
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    @Test(arguments: [
        ("deep", String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000), 400),
        ("duplicate", #"{"id":1,"name":"a","name":"b"}"#, 400),
        ("surrogate", #"{"text":"\ud800 alone"}"#, 400),
        ("huge", #"{"values":["# + String(repeating: "1,", count: 5 << 20) + "1]}", 413),
    ])
    func isRefusedWithAClearError(name: String, document: String, status: Int) async throws {
        try await TestApp.run(workers: 0, configure: { $0.maximumJSONBytes = 16 << 20 }) { client, app in
            let response = try await client.call(
                .post, "/api/v1/ingest?collection=hostile", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: document))
            #expect(response.status.code == status, "\(name): \(String(buffer: response.body).prefix(300))")
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect((error["message"] as? String)?.isEmpty == false)
            if name == "duplicate" {
                #expect((error["message"] as? String)?.contains(#"duplicate key "name""#) == true)
            }
            #expect(try await Self.assetCount(app) == 0)
            #expect(try await client.call(.get, "/healthz", key: nil).status == .ok)
        }
    }

    /// Numbers beyond `double precision` and beyond 64 bits are kept exactly: `numeric`
    /// columns, and records that read back with the digits that were sent.
    @Test func numbersBeyondDoubleAreKeptExactly() async throws {
        try await TestApp.run(configure: { $0.documents.reviewDelay = .zero }) { client, app in
            let documents = (0..<10).map {
                #"{"id":\#($0),"huge":1e40\#($0),"big":1844674407370955161\#($0),"tiny":1.5e-400}"#
            }
            try await client.sendDocuments(documents, collection: "numbers", key: app.adminKey)
            let proposal = try await client.openProposal(for: "numbers", key: app.adminKey)
            _ = try await client.decide(proposal, "approve", key: app.adminKey)
            let detail = try await client.collection("numbers", key: app.adminKey)
            let types = Dictionary(
                uniqueKeysWithValues: (detail["columns"] as? [[String: Any]] ?? []).map {
                    ($0["name"] as? String ?? "", $0["type"] as? String ?? "")
                })
            #expect(types["huge"] == "numeric" && types["big"] == "numeric" && types["tiny"] == "numeric")
            let page = try await client.call(.get, "/api/v1/collections/numbers/records?limit=50", key: app.adminKey)
            let text = String(buffer: page.body)
            for document in documents { #expect(text.contains(document)) }
            let rows = try await app.catalog.client.query(
                #"SELECT huge::text FROM docs."numbers" ORDER BY id LIMIT 1"#)
            for try await huge in rows.decode(String.self) { #expect(huge.hasPrefix("1000000000")) }
        }
    }
}
