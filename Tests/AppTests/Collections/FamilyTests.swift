import App
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import TestSupport

/// Documents find their family without being told: a file of documents starts a provisional
/// collection named after the file, documents of the same shape join it, and a document of
/// another shape starts its own.
@Suite struct FamilyTests {
    @Test func documentsFindTheirCollectionByTheirKeys() async throws {
        try await TestApp.run(workers: 0) { client, app in
            var form = MultipartBody()
            let lines = (0..<3).map { #"{"sensor":"s\#($0)","reading":\#($0),"at":"2024-05-0\#($0 + 1)T10:00:00Z"}"# }
            form.file(
                filename: "sensors.ndjson", Array(lines.joined(separator: "\n").utf8), type: "application/x-ndjson")
            form.file(filename: "more.json", Array(#"[{"sensor":"s9","reading":9,"at":"2024-05-09T10:00:00Z"}]"#.utf8))
            let accepted = try await client.ingest(form, key: app.adminKey)
            #expect(accepted.status == .accepted)
            #expect((try accepted.json()["system_ids"] as? [String])?.count == 4)

            let similar = (10..<15).map { #"{"sensor":"s\#($0)","reading":\#($0)}"# }
            try await client.sendDocuments(similar, collection: nil, key: app.adminKey)
            try await client.sendDocuments(
                [#"{"invoice":"i-1","total":12.5,"currency":"EUR"}"#], collection: nil, key: app.adminKey)

            let list = try await client.call(.get, "/api/v1/collections", key: app.adminKey).json()
            let collections = Dictionary(
                uniqueKeysWithValues: (list["collections"] as? [[String: Any]] ?? []).map {
                    ($0["name"] as? String ?? "", $0)
                })
            #expect(collections["sensors"]?["documents"] as? Int == 9)
            #expect(collections["sensors"]?["provisional"] as? Bool == true)
            #expect(collections["invoice_total_currency"]?["documents"] as? Int == 1)
            #expect(collections.count == 2)

            // A user sees only their own collections.
            let other = try await app.userKey(owner: "zoe")
            let theirs = try await client.call(.get, "/api/v1/collections", key: other).json()
            #expect((theirs["collections"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await client.call(.get, "/api/v1/collections/sensors", key: other).status == .notFound)
            #expect(try await client.call(.get, "/api/v1/collections/sensors/records", key: other).status == .notFound)
        }
    }

    /// A request whose documents share nothing would start a collection each: past 20 it is
    /// refused, and none of them is made.
    @Test func aRequestThatWouldStartTooManyCollectionsStartsNone() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let unrelated = (0..<21).map { #"{"a\#($0)":1,"b\#($0)":"x"}"# }
            let refused = try await client.sendDocuments(
                unrelated, collection: nil, key: app.adminKey, expect: .badRequest)
            #expect(refused.errorCode == "invalid_json")
            let list = try await client.call(.get, "/api/v1/collections", key: app.adminKey).json()
            #expect((list["collections"] as? [[String: Any]])?.isEmpty == true)
            // Twenty are fine.
            try await client.sendDocuments(Array(unrelated.prefix(20)), collection: nil, key: app.adminKey)
            let after = try await client.call(.get, "/api/v1/collections", key: app.adminKey).json()
            #expect((after["collections"] as? [[String: Any]])?.count == 20)
        }
    }
}
