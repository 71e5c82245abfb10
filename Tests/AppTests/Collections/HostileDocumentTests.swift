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

    static func document(_ name: String) -> String {
        switch name {
        case "nested 10,000 levels":
            return String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        case "duplicate key": return #"{"id":1,"name":"a","name":"b"}"#
        default: return #"{"text":"\ud800 alone"}"#
        }
    }

    @Test(arguments: ["nested 10,000 levels", "duplicate key", "lone surrogate"])
    func isRefusedWithAClearError(_ name: String) async throws {
        try await TestApp.run(workers: 0) { client, app in
            let response = try await client.call(
                .post, "/api/v1/ingest?collection=hostile", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: Self.document(name)))
            #expect(response.status == .badRequest, "\(name): \(String(buffer: response.body).prefix(300))")
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "invalid_json")
            if name == "duplicate key" {
                #expect((error["message"] as? String)?.contains(#"duplicate key "name""#) == true)
            }
            #expect(try await Self.assetCount(app) == 0)
            #expect(try await client.call(.get, "/healthz", key: nil).status == .ok)
        }
    }

    /// One document holding a 50 MiB array is refused whole, before it is parsed or kept.
    @Test func aDocumentHoldingA50MiBArrayIsRefused() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let body = ByteBuffer(string: #"{"values":[7"# + String(repeating: ",7", count: 25 << 20) + "]}")
            let response = try await client.call(
                .post, "/api/v1/ingest?collection=hostile", key: app.adminKey, contentType: "application/json",
                body: body)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "document_too_large")
            #expect(try await Self.assetCount(app) == 0)
        }
    }

    /// A value too large for its column's index (a B-tree entry holds at most about 2.7 kB, a
    /// GIN entry less) is still kept: the document is accepted, the value reads back whole, and a
    /// filter on it still finds it.
    @Test func aValueTooLargeForItsColumnsIndexIsKept() async throws {
        try await TestApp.run(configure: { $0.documents.reviewDelay = .zero }) { client, app in
            let documents = (0..<20).map { #"{"id":\#($0),"name":"n\#($0)","tags":["t\#($0)"],"amount":\#($0)}"# }
            try await client.sendDocuments(documents, collection: "people", key: app.adminKey)
            let proposal = try await client.openProposal(for: "people", key: app.adminKey)
            _ = try await client.decide(proposal, "approve", key: app.adminKey)
            // Incompressible, so no index can shorten it.
            var generator = SystemRandomNumberGenerator()
            let long = String(
                (0..<3_000).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement(using: &generator)! })
            let digits = "1" + String(repeating: "7", count: 9_000)
            let large = #"{"id":99,"name":"\#(long)","tags":["\#(long)"],"amount":\#(digits)}"#
            try await client.sendDocuments([large], collection: "people", key: app.adminKey)
            let page = try await client.call(
                .get, "/api/v1/collections/people/records?filter[id]=eq:99", key: app.adminKey)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains(large), "read back byte for byte")
            let byName = try await client.call(
                .get, "/api/v1/collections/people/records?filter[name]=eq:\(long)", key: app.adminKey)
            #expect(byName.status == .ok)
            #expect(String(buffer: byName.body).contains(large), "found by its long value")
            let notes = try await app.catalog.client.query(
                #"SELECT cast_notes::text FROM docs."people" WHERE id = 99"#
            ).decode(String.self).first { _ in true }
            #expect(notes?.contains("longer than an indexed column holds") == true, "\(notes ?? "")")
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
