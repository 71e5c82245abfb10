import App
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing

@testable import TestSupport

/// JSON collections end to end on the real server and database: statistics over every
/// document, the storage decision with its reasons, approval with its back-fill, evolution and
/// the frozen contract, and records that read back as they were sent.
@Suite(.serialized) struct SchemaDecisionTests {
    static func quickReviews(_ configuration: inout AppConfiguration) {
        configuration.documents.reviewDelay = .zero
    }

    @Test func noBenchDocumentsBecomeATypedTableThatReadsBackAsSent() async throws {
        try await TestApp.run(configure: Self.quickReviews) { client, app in
            var generator = NoBench(seed: 7)
            let documents = (0..<1_000).map { generator.document($0) }
            for batch in stride(from: 0, to: documents.count, by: 250) {
                try await client.sendDocuments(
                    Array(documents[batch..<batch + 250]), collection: "nobench", key: app.adminKey)
            }
            // Queryable at once, in the staging table, before any decision.
            let staged = try await client.collection("nobench", key: app.adminKey)
            #expect(staged["storage"] as? String == "staging")
            #expect(staged["documents"] as? Int == 1_000)

            try await client.waitForReview(of: "nobench", documents: 1_000, key: app.adminKey)
            let proposal = try await client.openProposal(for: "nobench", key: app.adminKey)
            let payload = try #require(proposal["payload"] as? [String: Any])
            let layout = try #require(payload["layout"] as? [String: Any])
            let columns = Dictionary(
                uniqueKeysWithValues: (layout["columns"] as? [[String: Any]] ?? []).map {
                    ($0["name"] as? String ?? "", $0["type"] as? String ?? "")
                })
            #expect(columns["str1"] == "text" && columns["str2"] == "text")
            #expect(columns["num"] == "bigint" && columns["thousandth"] == "bigint" && columns["bool"] == "boolean")
            #expect(columns["dyn1"] == "bigint")
            #expect(columns["nested_obj__str"] == "text" && columns["nested_obj__num"] == "bigint")
            #expect(columns["nested_arr"] == "text[]")
            #expect(columns["dyn2"] == nil)
            #expect(!columns.keys.contains { $0.hasPrefix("sparse") })
            let decision = try #require(payload["decision"] as? [String: Any])
            #expect(decision["mode"] as? String == "typed")
            let reasons = (decision["reasons"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(reasons.contains { $0.contains("dyn2") })
            let statements = payload["statements"] as? [String] ?? []
            #expect(statements.first?.hasPrefix("CREATE TABLE \"docs\".\"nobench\"") == true)

            let decided = try await client.decide(proposal, "approve", key: app.adminKey)
            let result = try #require(decided["result"] as? [String: Any])
            #expect(result["documents_backfilled"] as? Int == 1_000)
            let strings = documents.filter { $0.contains(#""dyn1":""#) }.count
            #expect(result["values_not_cast"] as? Int == strings)

            let typed = try await client.collection("nobench", key: app.adminKey)
            #expect(typed["storage"] as? String == "typed")
            #expect(typed["documents"] as? Int == 1_000)
            #expect((typed["versions"] as? [[String: Any]])?.count == 1)

            // Every document reads back as it was sent.
            let records = try await client.allRecords("nobench", key: app.adminKey)
            #expect(records.count == 1_000)
            #expect(Set(records.map { canonical($0.document) }) == Set(documents.map(canonical)))

            // A range filter on a promoted column, and sorting, agree with the documents.
            let low = try await client.allRecords("nobench", query: "filter[num]=lt:500&sort=-num", key: app.adminKey)
            let expected = documents.map(parsedJSON).filter { (($0 as? [String: Any])?["num"] as? Int ?? 0) < 500 }
            #expect(low.count == expected.count)
            let nums = low.compactMap { ($0.document as? [String: Any])?["num"] as? Int }
            #expect(nums == nums.sorted(by: >))
            // A dyn1 string kept in `extra` is still found by value.
            if let string = documents.first(where: { $0.contains(#""dyn1":""#) }).map(parsedJSON) as? [String: Any],
                let value = string["dyn1"] as? String
            {
                let found = try await client.allRecords("nobench", query: "filter[dyn1]=eq:\(value)", key: app.adminKey)
                #expect(found.count == 1)
            }
        }
    }

    @Test func laterDocumentsEvolveTheSchemaAndAFrozenContractRefusesWhatDoesNotFit() async throws {
        try await TestApp.run(configure: Self.quickReviews) { client, app in
            let first = (0..<200).map { #"{"sku":"s\#($0)","price":\#($0).5,"count":\#($0)}"# }
            try await client.sendDocuments(first, collection: "orders", key: app.adminKey)
            let proposal = try await client.openProposal(for: "orders", key: app.adminKey)
            _ = try await client.decide(proposal, "approve", key: app.adminKey)

            // A new key lands in `extra` at first, then becomes a column proposal once most
            // documents have it; approving it back-fills the column from `extra`.
            let later = (200..<700).map { #"{"sku":"s\#($0)","price":\#($0).5,"count":\#($0),"colour":"red"}"# }
            try await client.sendDocuments(later, collection: "orders", key: app.adminKey)
            try await client.waitForReview(of: "orders", documents: 700, key: app.adminKey)
            let evolution = try await client.openProposal(for: "orders", key: app.adminKey)
            let payload = try #require(evolution["payload"] as? [String: Any])
            #expect(payload["kind"] as? String == "evolution")
            let statements = payload["statements"] as? [String] ?? []
            #expect(statements.contains { $0.contains("ADD COLUMN \"colour\" text") })
            #expect(payload["rowsTouched"] as? Int == 500)
            _ = try await client.decide(evolution, "approve", key: app.adminKey)
            let detail = try await client.collection("orders", key: app.adminKey)
            #expect((detail["columns"] as? [[String: Any]])?.contains { $0["name"] as? String == "colour" } == true)
            #expect((detail["versions"] as? [[String: Any]])?.count == 2)
            let red = try await client.allRecords("orders", query: "filter[colour]=eq:red", key: app.adminKey)
            #expect(red.count == 500)

            // Frozen: a document with an unknown key or a value of the wrong type is refused,
            // with every violation listed, and nothing of the request is kept.
            let frozen = try await client.call(
                .put, "/api/v1/collections/orders/contract", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: #"{"contract":"freeze"}"#))
            #expect(frozen.status == .ok)
            let refused = try await client.sendDocuments(
                [
                    #"{"sku":"x1","price":1.5,"count":1,"colour":"blue"}"#,
                    #"{"sku":"x2","price":"cheap","count":2,"colour":"blue","size":"L"}"#,
                ],
                collection: "orders", key: app.adminKey, expect: .unprocessableContent)
            let error = try #require(try refused.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "schema_violation")
            let violations = error["violations"] as? [[String: Any]] ?? []
            #expect(Set(violations.compactMap { $0["path"] as? String }) == ["price", "size"])
            #expect(violations.allSatisfy { $0["document"] as? Int == 1 })
            let after = try await client.collection("orders", key: app.adminKey)
            #expect(after["documents"] as? Int == 700)

            // Unnamed, the same document finds `orders` by its keys and is refused there; the
            // request's other document, which would have started a collection, starts none.
            let unnamed = try await client.sendDocuments(
                [#"{"sku":"x3","price":"cheap","count":3,"colour":"blue"}"#, #"{"weather":"rain","mm":4}"#],
                collection: nil, key: app.adminKey, expect: .unprocessableContent)
            #expect(unnamed.errorCode == "schema_violation")
            let list = try await client.call(.get, "/api/v1/collections", key: app.adminKey).json()
            #expect((list["collections"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["orders"])
        }
    }

    /// An admin's edits at approval are applied, and stick: a path kept as JSON is not proposed
    /// again by later reviews, not even under `evolve` (which applies what a review proposes),
    /// and the decision says why it stays in `extra`.
    @Test func anAdminsEditsApplyAndAPathKeptAsJSONIsNotProposedAgain() async throws {
        try await TestApp.run(configure: Self.quickReviews) { client, app in
            let first = (0..<100).map { #"{"sku":"s\#($0)","count":\#($0),"note":"n\#($0)"}"# }
            try await client.sendDocuments(first, collection: "shelf", key: app.adminKey)
            let proposal = try await client.openProposal(for: "shelf", key: app.adminKey)
            _ = try await client.decide(
                proposal, "approve",
                edits: #"{"rename":{"count":"quantity"},"types":{"count":"numeric"},"keep_in_jsonb":["note"]}"#,
                key: app.adminKey)
            func columns() async throws -> [String: String] {
                let detail = try await client.collection("shelf", key: app.adminKey)
                return Dictionary(
                    uniqueKeysWithValues: (detail["columns"] as? [[String: Any]] ?? []).map {
                        ($0["name"] as? String ?? "", $0["type"] as? String ?? "")
                    })
            }
            #expect(try await columns() == ["sku": "text", "quantity": "numeric"])

            let evolve = try await client.call(
                .put, "/api/v1/collections/shelf/contract", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: #"{"contract":"evolve"}"#))
            #expect(evolve.status == .ok)
            let later = (100..<400).map { #"{"sku":"s\#($0)","count":\#($0),"note":"n\#($0)","bin":"b\#($0 % 7)"}"# }
            try await client.sendDocuments(later, collection: "shelf", key: app.adminKey)
            try await client.waitForReview(of: "shelf", documents: 400, key: app.adminKey)
            // The review proposed `bin`, which `evolve` applied; `note` stayed where the admin put it.
            try await eventually("the new key to become a column") { try await columns()["bin"] == "text" }
            #expect(try await columns() == ["sku": "text", "quantity": "numeric", "bin": "text"])
            let detail = try await client.collection("shelf", key: app.adminKey)
            let reasons = ((detail["decision"] as? [String: Any])?["reasons"] as? [[String: Any]] ?? []).compactMap {
                $0["text"] as? String
            }
            #expect(reasons.contains { $0.contains("note") && $0.contains("kept as JSON by an admin") }, "\(reasons)")

            let notes = try await client.allRecords("shelf", query: "filter[note]=eq:n5", key: app.adminKey)
            #expect(notes.count == 1)
            // Filters name the document's paths, whatever the column is called.
            let few = try await client.allRecords("shelf", query: "filter[count]=lt:10", key: app.adminKey)
            #expect(few.count == 10)
        }
    }

    /// A column every document had is `NOT NULL`; a later document without it is still kept (the
    /// constraint goes, as a new schema version). Keys named like system columns still work.
    @Test func aDocumentWithoutARequiredValueIsKeptAndSystemColumnNamesAreAvoided() async throws {
        try await TestApp.run(configure: Self.quickReviews) { client, app in
            let boxes = (0..<50).map { #"{"id":\#($0),"xmin":\#($0).5,"xmax":\#($0 + 1).5,"ctid":"c\#($0)"}"# }
            try await client.sendDocuments(boxes, collection: "boxes", key: app.adminKey)
            let proposal = try await client.openProposal(for: "boxes", key: app.adminKey)
            _ = try await client.decide(proposal, "approve", key: app.adminKey)
            let detail = try await client.collection("boxes", key: app.adminKey)
            let columns = detail["columns"] as? [[String: Any]] ?? []
            #expect(Set(columns.compactMap { $0["name"] as? String }) == ["id", "xmin_", "xmax_", "ctid_"])
            #expect(columns.first { $0["name"] as? String == "id" }?["not_null"] as? Bool == true)

            try await client.sendDocuments([#"{"xmin":0.5}"#], collection: "boxes", key: app.adminKey)
            let after = try await client.collection("boxes", key: app.adminKey)
            #expect(after["documents"] as? Int == 51)
            let relaxed = after["columns"] as? [[String: Any]] ?? []
            #expect(relaxed.allSatisfy { $0["not_null"] as? Bool == false })
            #expect((after["versions"] as? [[String: Any]])?.count == 2)
            let found = try await client.allRecords("boxes", query: "filter[id]=exists", key: app.adminKey)
            #expect(found.count == 50)
        }
    }

    /// A proposal keeps its id while later batches only move its figures, and a change an
    /// admin rejected is not proposed again.
    @Test func aRejectedChangeStaysRejected() async throws {
        try await TestApp.run(configure: Self.quickReviews) { client, app in
            let first = (0..<100).map { #"{"sku":"s\#($0)","count":\#($0)}"# }
            try await client.sendDocuments(first, collection: "stock", key: app.adminKey)
            let proposal = try await client.openProposal(for: "stock", key: app.adminKey)
            try await client.sendDocuments(
                (100..<150).map { #"{"sku":"s\#($0)","count":\#($0)}"# }, collection: "stock", key: app.adminKey)
            try await client.waitForReview(of: "stock", documents: 150, key: app.adminKey)
            #expect(
                try await client.openProposal(for: "stock", key: app.adminKey)["id"] as? String == proposal["id"]
                    as? String)
            _ = try await client.decide(proposal, "approve", key: app.adminKey)

            let later = (150..<400).map { #"{"sku":"s\#($0)","count":\#($0),"bin":"b\#($0 % 7)"}"# }
            try await client.sendDocuments(later, collection: "stock", key: app.adminKey)
            try await client.waitForReview(of: "stock", documents: 400, key: app.adminKey)
            let evolution = try await client.openProposal(for: "stock", key: app.adminKey)
            _ = try await client.decide(evolution, "reject", key: app.adminKey)
            try await client.sendDocuments(
                (400..<500).map { #"{"sku":"s\#($0)","count":\#($0),"bin":"b1"}"# }, collection: "stock",
                key: app.adminKey)
            try await client.waitForReview(of: "stock", documents: 500, key: app.adminKey)
            let open = try await client.call(.get, "/api/v1/proposals?kind=schema&state=open", key: app.adminKey).json()
            #expect((open["proposals"] as? [[String: Any]])?.isEmpty == true)
            let bins = try await client.allRecords("stock", query: "filter[bin]=eq:b1", key: app.adminKey)
            #expect(bins.count == 100 + later.count { $0.contains(#""bin":"b1""#) })
        }
    }

    @Test func aHeterogeneousSparseFamilyIsKeptAsJSONBAndSaysWhy() async throws {
        try await TestApp.run(configure: Self.quickReviews) { client, app in
            var generator = NoBench(seed: 11)
            _ = generator.document(0)
            let documents = (0..<2_000).map { index -> String in
                let keys = (0..<12).map { ((index * 7919 + $0 * 104_729) % 240) }
                let members = Set(keys).sorted().map { #""k\#($0)":\#(index % 97)"# }.joined(separator: ",")
                return "{\(members)}"
            }
            for batch in stride(from: 0, to: 2_000, by: 500) {
                try await client.sendDocuments(
                    Array(documents[batch..<batch + 500]), collection: "events", key: app.adminKey)
            }
            try await client.waitForReview(of: "events", documents: 2_000, key: app.adminKey)
            let proposal = try await client.openProposal(for: "events", key: app.adminKey)
            let payload = try #require(proposal["payload"] as? [String: Any])
            let decision = try #require(payload["decision"] as? [String: Any])
            #expect(decision["mode"] as? String == "jsonb")
            #expect(payload["layout"] == nil || payload["layout"] is NSNull)
            let collectionReason = (decision["reasons"] as? [[String: Any]] ?? []).first {
                $0["outcome"] as? String == "collection"
            }
            #expect((collectionReason?["text"] as? String)?.contains("sparse") == true)
            _ = try await client.decide(proposal, "approve", key: app.adminKey)
            let detail = try await client.collection("events", key: app.adminKey)
            #expect(detail["storage"] as? String == "jsonb")
            let records = try await client.allRecords("events", query: "filter[k3]=exists", key: app.adminKey)
            #expect(records.count == documents.filter { $0.contains(#""k3":"#) }.count)
        }
    }

    @Test func anObjectKeyedByIdentifiersStaysOneJSONBValue() async throws {
        try await TestApp.run(configure: Self.quickReviews) { client, app in
            let documents = (0..<600).map { index -> String in
                let users = (0..<5).map { #""u\#(index * 5 + $0)":{"name":"n\#($0)","age":\#(20 + $0)}"# }
                return #"{"team":"t\#(index)","users":{\#(users.joined(separator: ","))}}"#
            }
            try await client.sendDocuments(documents, collection: "teams", key: app.adminKey)
            let proposal = try await client.openProposal(for: "teams", key: app.adminKey)
            let payload = try #require(proposal["payload"] as? [String: Any])
            let reasons = ((payload["decision"] as? [String: Any])?["reasons"] as? [[String: Any]]) ?? []
            let users = try #require(reasons.first { $0["path"] as? [String] == ["users"] })
            #expect(users["outcome"] as? String == "jsonb-column")
            #expect((users["text"] as? String)?.contains("map") == true)
            let columns = ((payload["layout"] as? [String: Any])?["columns"] as? [[String: Any]]) ?? []
            #expect(!columns.contains { ($0["name"] as? String ?? "").hasPrefix("users__") })
            _ = try await client.decide(proposal, "approve", key: app.adminKey)
            let records = try await client.allRecords("teams", key: app.adminKey)
            #expect(Set(records.map { canonical($0.document) }) == Set(documents.map(canonical)))
        }
    }

    @Test func hostileKeysBecomeDistinctQuotedColumnsAndNothingElse() async throws {
        try await TestApp.run(configure: Self.quickReviews) { client, app in
            let long = String(repeating: "k", count: 300)
            let keys = [
                #"a\"; DROP TABLE assets; --"#, "Robert'); --", "A b", "a_b", long, "", "select", "user", "Order",
            ]
            let documents = (0..<20).map { index in
                "{" + keys.enumerated().map { #""\#($1)":\#(index * 10 + $0)"# }.joined(separator: ",") + "}"
            }
            try await client.sendDocuments(documents, collection: "hostile", key: app.adminKey)
            let proposal = try await client.openProposal(for: "hostile", key: app.adminKey)
            _ = try await client.decide(proposal, "approve", key: app.adminKey)
            let detail = try await client.collection("hostile", key: app.adminKey)
            let names = (detail["columns"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.count == keys.count)
            #expect(Set(names).count == keys.count)
            #expect(
                names.allSatisfy { $0.utf8.count <= 63 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } })
            // The catalog is intact, and every value reads back.
            let assets = try await app.catalog.client.query("SELECT count(*) FROM assets")
            for try await count in assets.decode(Int.self) { #expect(count == 20) }
            let records = try await client.allRecords("hostile", key: app.adminKey)
            #expect(Set(records.map { canonical($0.document) }) == Set(documents.map(canonical)))
            let filtered = try await client.allRecords("hostile", query: "filter[A%20b]=gt:100", key: app.adminKey)
            #expect(filtered.count == documents.count { (parsedJSON($0) as? [String: Any])?["A b"] as? Int ?? 0 > 100 })
        }
    }
}
