import Catalog
import Foundation
import HummingbirdTesting
import PostgresNIO
import Schema
import Testing

@testable import TestSupport

/// One document per request, many requests at once: the requests share transactions
/// (`GroupedIngests`), and each document is still placed exactly once, with its statistics and
/// its collection's review, whatever else happens to the collection meanwhile.
@Suite struct ConcurrentDocumentTests {
    static func reading(_ index: Int, owner: String) -> String {
        #"{"sensor":"\#(owner)-\#(index)","reading":\#(index),"ok":\#(index.isMultiple(of: 2))}"#
    }

    /// 60 requests at once from two owners, a few of them sending a document again: every request
    /// is answered 202, each owner's collection holds its distinct documents once, each reads back
    /// as sent, and the review counts them all. (How many share a transaction depends on timing;
    /// `GroupedIngestTests` checks the sharing itself.)
    @Test func concurrentSingleDocumentRequestsArePlacedOnceAndShareTransactions() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let ann = try await app.userKey(owner: "ann")
            let sends = (0..<60).map { index in
                (
                    key: index.isMultiple(of: 2) ? ann : app.adminKey, owner: index.isMultiple(of: 2) ? "ann" : "admin",
                    document: Self.reading(index % 50 / 2, owner: index.isMultiple(of: 2) ? "ann" : "admin")
                )
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for send in sends {
                    group.addTask {
                        try await client.sendDocuments([send.document], collection: "readings", key: send.key)
                    }
                }
                try await group.waitForAll()
            }
            for (owner, key) in [("ann", ann), ("admin", app.adminKey)] {
                let sent = Set(sends.filter { $0.owner == owner }.map { canonical($0.document) })
                #expect(sent.count == 25)
                let records = try await client.allRecords("readings", key: key)
                #expect(records.count == sent.count, "\(owner)")
                #expect(Set(records.map { canonical($0.document) }) == sent, "\(owner)")
                #expect(try await client.collection("readings", key: key)["documents"] as? Int == sent.count)
            }
            let rows = try await app.catalog.client.query(
                """
                SELECT (SELECT sum(documents) FROM collection_statistics_pending)::int,
                       (SELECT count(*) FROM jobs WHERE stage = 'schema.review' AND state = 'queued')::int
                """, logger: TestCluster.logger)
            for try await (counted, reviews) in rows.decode((Int, Int).self) {
                // Each placed document is in the statistics once: a repeat is not counted again.
                #expect(counted == 50)
                // One review waits per collection, however many requests asked for it.
                #expect(reviews == 2)
            }
            // The batches' statistics, requests sharing a transaction merged into one, add up
            // to every placed document, each path counted once per document.
            let batches = try await app.catalog.client.query(
                "SELECT documents, statistics::text FROM collection_statistics_pending", logger: TestCluster.logger)
            var merged = CollectionStatistics()
            for try await (documents, text) in batches.decode((Int, String).self) {
                let batch = try CollectionStatistics(decoding: Array(text.utf8))
                #expect(batch.documentCount == documents)
                merged.merge(batch)
            }
            #expect(merged.documentCount == 50)
            #expect(merged.statistics(at: ["sensor"])?.present == 50)
            #expect(merged.statistics(at: ["ok"])?.kinds == [.bool: 50])
            let audit = try await client.call(.get, "/api/v1/admin/audit/verify", key: app.adminKey).json()
            #expect(audit["intact"] as? Bool == true)
        }
    }

    /// Documents sent while their collection's proposal is approved: a shared write planned for
    /// the staging table finds the collection typed, every request in it is planned again and
    /// written alone, and no document is lost or placed twice.
    @Test func documentsSentDuringAnApprovalAreAllKept() async throws {
        try await TestApp.run { client, app in
            let seed = (0..<20).map { Self.reading($0, owner: "seed") }
            try await client.sendDocuments(seed, collection: "meters", key: app.adminKey)
            let proposal = try #require(
                try await client.openProposal(for: "meters", key: app.adminKey)["id"] as? String)
            let during = (0..<90).map { Self.reading($0, owner: "during") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for document in during {
                    group.addTask {
                        try await client.sendDocuments([document], collection: "meters", key: app.adminKey)
                    }
                }
                group.addTask { _ = try await client.decide(["id": proposal], "approve", key: app.adminKey) }
                try await group.waitForAll()
            }
            #expect(try await client.collection("meters", key: app.adminKey)["storage"] as? String == "typed")
            let records = try await client.allRecords("meters", key: app.adminKey)
            #expect(records.count == 110)
            #expect(Set(records.map { canonical($0.document) }) == Set((seed + during).map { canonical($0) }))
        }
    }
}
