import App
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing

@testable import TestSupport

/// Documents are placed from a recent snapshot of their owner's collections. Snapshots here last
/// ten minutes, so every placement after the first is planned from one: whatever changed since,
/// in this process or in another, still holds for the documents that follow.
@Suite struct CollectionSnapshotTests {
    static func lastingSnapshots(_ configuration: inout AppConfiguration) {
        configuration.documents.reviewDelay = .zero
        configuration.documents.snapshotLifetime = .seconds(600)
    }

    /// An approved `boxes` collection (`id` required) whose snapshot this
    /// process holds, then frozen by another API node: nothing tells this process.
    static func boxesFrozenElsewhere(_ client: some TestClientProtocol, _ app: TestApp) async throws {
        let boxes = (0..<50).map { #"{"id":\#($0),"width":\#($0).5}"# }
        try await client.sendDocuments(boxes, collection: "boxes", key: app.adminKey)
        let proposal = try await client.openProposal(for: "boxes", key: app.adminKey)
        _ = try await client.decide(proposal, "approve", key: app.adminKey)
        // Placed from a fresh read (the approval changed the table), which the snapshot keeps.
        try await client.sendDocuments([#"{"id":50,"width":50.5}"#], collection: "boxes", key: app.adminKey)
        try await app.catalog.client.query(
            "UPDATE collections SET contract = 'freeze' WHERE name = 'boxes'", logger: Logger(label: "test"))
    }

    /// Nothing of a refused document is kept, and the table is as it was.
    static func expectUnchanged(_ client: some TestClientProtocol, _ app: TestApp) async throws {
        let detail = try await client.collection("boxes", key: app.adminKey)
        #expect(detail["documents"] as? Int == 51)
        #expect((detail["versions"] as? [[String: Any]])?.count == 1)
        let id = (detail["columns"] as? [[String: Any]])?.first { $0["name"] as? String == "id" }
        #expect(id?["not_null"] as? Bool == true)
    }

    @Test func aContractFrozenByAnotherProcessRefusesTheNextDocument() async throws {
        try await TestApp.run(configure: Self.lastingSnapshots) { client, app in
            try await Self.boxesFrozenElsewhere(client, app)
            let unknownKey = try await client.sendDocuments(
                [#"{"id":51,"width":51.5,"colour":"red"}"#], collection: "boxes", key: app.adminKey,
                expect: .unprocessableContent)
            #expect(unknownKey.errorCode == "schema_violation")
            try await Self.expectUnchanged(client, app)
        }
    }

    /// Under `review`, a document without `id` would make `id` nullable; frozen, it is refused
    /// and `id` stays required, though the snapshot still said `review`.
    @Test func aContractFrozenByAnotherProcessRelaxesNothing() async throws {
        try await TestApp.run(configure: Self.lastingSnapshots) { client, app in
            try await Self.boxesFrozenElsewhere(client, app)
            let lacking = try await client.sendDocuments(
                [#"{"width":52.5}"#], collection: "boxes", key: app.adminKey, expect: .unprocessableContent)
            #expect(lacking.errorCode == "schema_violation")
            try await Self.expectUnchanged(client, app)
        }
    }

    @Test func aCollectionThisProcessCreatesIsSeenByTheNextDocument() async throws {
        try await TestApp.run(configure: Self.lastingSnapshots) { client, app in
            // The owner's collections are read (none yet), then a provisional one is made,
            // named after the document's first keys.
            try await client.sendDocuments(
                [#"{"sensor":"a","reading":1,"unit":"mm"}"#], collection: nil, key: app.adminKey)
            // The same keys in another order: the document joins it (from a snapshot taken before
            // it was made, it would start `reading_sensor_unit`).
            try await client.sendDocuments(
                [#"{"reading":2,"sensor":"b","unit":"mm"}"#], collection: nil, key: app.adminKey)
            let list = try await client.call(.get, "/api/v1/collections", key: app.adminKey).json()
            let collections = list["collections"] as? [[String: Any]] ?? []
            #expect(collections.compactMap { $0["name"] as? String } == ["sensor_reading_unit"])
            #expect(collections.first?["documents"] as? Int == 2)
        }
    }
}
