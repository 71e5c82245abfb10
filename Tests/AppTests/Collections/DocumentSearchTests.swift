import App
import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import Catalog
@testable import TestSupport

/// Full-text search over JSON documents on the real server and database: documents sent
/// through the API, found in staging and typed tables, never across owners, page by page.
@Suite struct DocumentSearchTests {
    static func quickReviews(_ configuration: inout AppConfiguration) {
        configuration.documents.reviewDelay = .zero
    }

    /// Alice's `orders` become a typed table (the word in a text column, or in `extra`);
    /// her `notes` stay staged. Bob's `notes` hold the same word.
    static func sendDocuments(
        _ client: some TestClientProtocol, _ app: TestApp
    ) async throws -> (
        alice: String, bob: String
    ) {
        let alice = try await app.userKey(owner: "alice")
        let bob = try await app.userKey(owner: "bob")
        var orders = (0..<200).map { #"{"sku":"s\#($0)","title":"plain widget \#($0)","price":\#($0).5}"# }
        orders[7] = #"{"sku":"s7","title":"Zebra widget","price":7.5}"#
        orders[9] = #"{"sku":"s9","title":"plain widget","price":9.5,"remark":{"text":"a zebra crossing"}}"#
        try await client.sendDocuments(orders, collection: "orders", key: alice)
        let proposal = try await client.openProposal(for: "orders", key: app.adminKey)
        _ = try await client.decide(proposal, "approve", key: app.adminKey)
        try await client.sendDocuments(
            [
                #"{"customer":{"name":"Ada"},"items":[{"title":"plain"},{"title":"plain"},{"title":"striped zebra"}]}"#,
                #"{"customer":{"name":"Zebra Corp"},"items":[]}"#,
                #"{"customer":{"name":"Grace"},"first name":"zebra","items":[{"title":"horse"}]}"#,
                #"{"customer":{"name":"Alan"},"items":[{"title":"horse"}]}"#,
            ], collection: "notes", key: alice)
        try await client.sendDocuments([#"{"customer":{"name":"Zebra Bob"}}"#], collection: "notes", key: bob)
        return (alice, bob)
    }

    @Test func findsWordsInStagedAndTypedDocumentsWithTheirPathAndSnippet() async throws {
        try await TestApp.run(configure: Self.quickReviews) { client, app in
            _ = try await Self.sendDocuments(client, app)
            let search = app.catalog.documentSearch
            let orders = try #require(try await app.catalog.collections.collection(owner: "alice", name: "orders"))
            #expect(orders.storage == .typed)
            let notes = try #require(try await app.catalog.collections.collection(owner: "alice", name: "notes"))
            #expect(notes.storage == .staging)

            let hits = try await search.search("zebra", owner: "alice", collection: nil, limit: 50, after: nil)
            let found = Set(hits.map { "\($0.collectionName) \($0.path) \($0.snippet)" })
            #expect(
                found == [
                    "orders title «Zebra» widget", "orders remark.text a «zebra» crossing",
                    "notes items[2].title striped «zebra»", "notes customer.name «Zebra» Corp",
                    #"notes ["first name"] «zebra»"#,
                ])
            #expect(hits.allSatisfy { $0.owner == "alice" })
            #expect(hits.map(\.rank) == hits.map(\.rank).sorted(by: >))
            #expect(Set(hits.map(\.collectionID)) == [orders.id, notes.id])
            // Each hit is the document the client sent: its asset, of its owner.
            for hit in hits {
                let asset = try #require(try await app.catalog.assets.find(hit.documentID))
                #expect(asset.owner == "alice" && asset.kind == .json)
                #expect(abs(asset.createdAt.timeIntervalSince(hit.createdAt)) < 0.001)
            }

            // Every word must be in the document, but may be in different values: the path shown
            // is then the first value (in jsonb's order of keys: shorter first) with one of them.
            let spread = try await search.search("zebra horse", owner: "alice", collection: nil, limit: 50, after: nil)
            #expect(spread.map(\.path) == ["items[0].title"])
            #expect(spread.map(\.snippet) == ["«horse»"])

            // One collection; another owner's collection is not searched even when named.
            let onlyNotes = try await search.search(
                "zebra", owner: "alice", collection: notes.id, limit: 50, after: nil)
            #expect(onlyNotes.count == 3 && onlyNotes.allSatisfy { $0.collectionID == notes.id })
            let bobs = try #require(try await app.catalog.collections.collection(owner: "bob", name: "notes"))
            #expect(
                try await search.search("zebra", owner: "alice", collection: bobs.id, limit: 50, after: nil).isEmpty)
            let bobHits = try await search.search("zebra", owner: "bob", collection: nil, limit: 50, after: nil)
            #expect(bobHits.map(\.snippet) == ["«Zebra» Bob"])
            // An admin searches every owner.
            let everyone = try await search.search("zebra", owner: nil, collection: nil, limit: 50, after: nil)
            #expect(everyone.count == 6 && Set(everyone.map(\.owner)) == ["alice", "bob"])
            // A phrase, and a word not there.
            let phrase = try await search.search(
                #""zebra crossing""#, owner: nil, collection: nil, limit: 50, after: nil)
            #expect(phrase.map(\.path) == ["remark.text"])
            #expect(try await search.search("giraffe", owner: nil, collection: nil, limit: 50, after: nil).isEmpty)
        }
    }

    @Test func pagesWithTheCursorReturnEveryHitOnce() async throws {
        try await TestApp.run(configure: Self.quickReviews) { client, app in
            let key = try await app.userKey(owner: "alice")
            // Ranks repeat (ties are broken by id) and differ (the word one to four times).
            let documents = (0..<130).map { index in
                let words = Array(repeating: "lantern", count: index % 4 + 1).joined(separator: " ")
                return #"{"n":\#(index),"text":"\#(words) number \#(index)"}"#
            }
            try await client.sendDocuments(documents, collection: "lamps", key: key)
            let search = app.catalog.documentSearch
            let all = try await search.search("lantern", owner: "alice", collection: nil, limit: 500, after: nil)
            #expect(all.count == 130)
            var paged: [DocumentSearchHit] = []
            var after: DocumentSearchCursor?
            repeat {
                let page = try await search.search("lantern", owner: "alice", collection: nil, limit: 7, after: after)
                #expect(page.count <= 7)
                paged += page
                // The cursor goes to a client as text and comes back.
                after = page.count == 7 ? page.last.flatMap { DocumentSearchCursor(token: $0.cursor.token) } : nil
            } while after != nil
            #expect(paged.map(\.documentID) == all.map(\.documentID))
            #expect(Set(paged.map(\.documentID)).count == 130)
            #expect(Set(all.map(\.rank)).count == 4)
            #expect(DocumentSearchCursor(token: "not a cursor") == nil)
        }
    }

    @Test func hostileQueryTextIsReadAsWordsWithoutAnError() async throws {
        try await TestApp.run(configure: Self.quickReviews) { client, app in
            let key = try await app.userKey(owner: "alice")
            try await client.sendDocuments(
                [#"{"title":"zebra crossing"}"#, #"{"title":"it's a trap"}"#], collection: "notes", key: key)
            let search = app.catalog.documentSearch
            // No word at all, only an excluded word, or words no document has.
            let nothing = [
                "", "   ", "'", "\"", "&|!:*", "!", "-zebra", "(((", "<->", "\\", "\u{0}", "-", "or",
                "zebra'); DROP TABLE assets; --", "zebra & trap",
            ]
            for text in nothing {
                let hits = try await search.search(text, owner: "alice", collection: nil, limit: 50, after: nil)
                #expect(hits.isEmpty, "\(text.debugDescription)")
            }
            let words = [
                "zebra:*", "zebra & | !", "'zebra'", "\"zebra", "zebra\u{0}",
                "(zebra)", "zebra <-> crossing", "zebra or giraffe", "ZEBRA -trap",
            ]
            for text in words {
                let hits = try await search.search(text, owner: "alice", collection: nil, limit: 50, after: nil)
                #expect(hits.map(\.snippet).first?.contains("«zebra»") == true, "\(text.debugDescription)")
            }
            #expect(
                try await search.search("it's", owner: "alice", collection: nil, limit: 50, after: nil).map(\.snippet)
                    == ["«it»'«s» a trap"])
            #expect(
                try await search.search("a:* & | !", owner: "alice", collection: nil, limit: 50, after: nil).map(
                    \.snippet)
                    == ["it's «a» trap"])
            #expect(try await app.catalog.collections.list(owner: "alice").first?.documents == 2)
        }
    }

    /// Thousands of documents: the plan reads each table through its search indexes, never a
    /// sequential scan of the documents.
    @Test func aSearchUsesTheFullTextIndexes() async throws {
        try await TestApp.run(configure: Self.quickReviews) { client, app in
            let key = try await app.userKey(owner: "alice")
            let typed = (0..<2_000).map { #"{"sku":"s\#($0)","title":"plain widget \#($0)","price":\#($0)}"# }
            for batch in stride(from: 0, to: typed.count, by: 1_000) {
                try await client.sendDocuments(Array(typed[batch..<batch + 1_000]), collection: "orders", key: key)
            }
            try await client.waitForReview(of: "orders", documents: 2_000, key: key)
            let proposal = try await client.openProposal(for: "orders", key: app.adminKey)
            _ = try await client.decide(proposal, "approve", key: app.adminKey)
            let staged = (0..<3_000).map { #"{"note":{"text":"note number \#($0)"},"tags":["t\#($0 % 10)"]}"# }
            for batch in stride(from: 0, to: staged.count, by: 1_000) {
                try await client.sendDocuments(Array(staged[batch..<batch + 1_000]), collection: "notes", key: key)
            }
            let search = app.catalog.documentSearch
            let plan = try await search.plan("widget 1234", owner: "alice", collection: nil, limit: 20)
            let text = plan.joined(separator: "\n")
            #expect(text.contains("Bitmap Index Scan on orders__title_search"))
            #expect(text.contains("orders__extra_search"))
            #expect(text.contains("notes__jsonb__doc_search"))
            #expect(!text.contains("Seq Scan on orders") && !text.contains("Seq Scan on notes__jsonb"), "\(text)")
            let hits = try await search.search("widget 1234", owner: "alice", collection: nil, limit: 20, after: nil)
            #expect(hits.map(\.path) == ["title"])

            // The check can fail: without one column's index, the typed table is read whole.
            try await app.catalog.client.query("DROP INDEX docs.orders__title_search", logger: TestCluster.logger)
            let without = try await search.plan("widget 1234", owner: "alice", collection: nil, limit: 20)
            #expect(without.joined(separator: "\n").contains("Seq Scan on orders"))
        }
    }
}
