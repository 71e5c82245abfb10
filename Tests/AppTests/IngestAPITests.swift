import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing

@testable import TestSupport

@Suite struct IngestAPITests {
    /// The example of the original spec: one image, one JSON payload, an owner and comments.
    @Test func theSpecExampleIsAcceptedProcessedAndReadable() async throws {
        try await TestApp.run { client, app in
            let image = try Fixture.bytes("rocket.jpg")
            var form = MultipartBody()
            form.file(filename: "image.jpg", image, type: "image/jpeg")
            form.field("payload", #"{"name":"example","value":123}"#)
            form.field("owner", "alice")
            form.field("comments", "holiday")
            let response = try await client.ingest(form, key: app.adminKey)
            #expect(response.status == .accepted)
            let accepted = try response.json()
            #expect(accepted["status"] as? String == "accepted")
            let ids = try #require(accepted["system_ids"] as? [String])
            #expect(ids.count == 2)

            let status = try await client.waitForJob(try #require(accepted["job_id"] as? String), key: app.adminKey)
            #expect(status["status"] as? String == "done")
            #expect((status["progress"] as? [String: Int])?["done"] == 2)

            let imageObject = try await client.call(.get, "/api/v1/objects/\(ids[0])", key: app.adminKey).json()
            #expect(imageObject["kind"] as? String == "image")
            #expect(imageObject["owner"] as? String == "alice")
            #expect(imageObject["comments"] as? String == "holiday")
            #expect(imageObject["original_filename"] as? String == "image.jpg")
            #expect(((imageObject["metadata"] as? [String: Any])?["media"] as? [String: Any])?["width"] as? Int == 640)
            let actions = (imageObject["lineage"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
            // Without a model the semantic stages are skipped, each with its event; the image is
            // organised all the same (duplicates by perceptual hash), and placed in the folder view.
            #expect(
                actions?.filter { !$0.hasPrefix("asset.") } == [
                    "ingest.accepted", "stage.verify.done", "stage.media.done", "stage.embed.skipped",
                    "stage.tags.skipped", "stage.organise.done",
                ])
            try await eventually("the image to be placed in the unsorted folder") {
                let object = try await client.call(.get, "/api/v1/objects/\(ids[0])", key: app.adminKey).json()
                return object["storage_uri"] as? String == "media/unsorted/\(ids[0]).jpg"
            }

            let content = try await client.call(.get, "/api/v1/objects/\(ids[0])/content", key: app.adminKey)
            #expect(content.headers[.contentType] == "image/jpeg")
            #expect(Array(content.body.readableBytesView) == image)

            let documentObject = try await client.call(.get, "/api/v1/objects/\(ids[1])", key: app.adminKey).json()
            let shape = (documentObject["metadata"] as? [String: Any])?["json"] as? [String: Any]
            #expect(shape?["type"] as? String == "object")
            #expect(shape?["top_level_keys"] as? Int == 2)

            let document = try await client.call(.get, "/api/v1/objects/\(ids[1])/content", key: app.adminKey)
            #expect(String(buffer: document.body) == #"{"name":"example","value":123}"#)
            #expect(document.headers[.contentType] == "application/json")
        }
    }

    /// The ingest no longer notifies inside its own statement (that serialised every commit):
    /// the wake-up follows the commit, and idle workers take the document without polling.
    @Test func idleWorkersAreWokenByTheIngestNotByTheirPoll() async throws {
        try await TestApp.run(configure: { $0.workers.pollInterval = .seconds(600) }) { client, app in
            // Let the workers go idle (their first claim finds nothing) before anything arrives.
            try await eventually("the workers to listen") {
                let rows = try await app.catalog.client.query(
                    "SELECT count(*)::int FROM pg_stat_activity WHERE query LIKE 'LISTEN%'", logger: TestCluster.logger)
                for try await count in rows.decode(Int.self) { return count > 0 }
                return false
            }
            for document in [#"{"a":1}"#, #"{"a":2}"#] {
                let accepted = try await client.call(
                    .post, "/api/v1/ingest", key: app.adminKey, contentType: "application/json",
                    body: ByteBuffer(string: document)
                ).json()
                let status = try await client.waitForJob(try #require(accepted["job_id"] as? String), key: app.adminKey)
                #expect(status["status"] as? String == "done")
            }
        }
    }

    @Test func rangeRequestsReturnPartialContent() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let image = try Fixture.bytes("chelsea.png")
            var form = MultipartBody()
            form.file(filename: "cat.png", image)
            let id = try #require(try await client.ingest(form, key: app.adminKey).json()["system_ids"] as? [String])[0]
            let uri = "/api/v1/objects/\(id)/content"
            let partial = try await client.call(.get, uri, key: app.adminKey, headers: [.range: "bytes=100-199"])
            #expect(partial.status == .partialContent)
            #expect(partial.headers[.contentRange] == "bytes 100-199/\(image.count)")
            #expect(Array(partial.body.readableBytesView) == Array(image[100..<200]))
            let suffix = try await client.call(.get, uri, key: app.adminKey, headers: [.range: "bytes=-10"])
            #expect(Array(suffix.body.readableBytesView) == Array(image.suffix(10)))
            let outside = try await client.call(.get, uri, key: app.adminKey, headers: [.range: "bytes=999999999-"])
            #expect(outside.status == .rangeNotSatisfiable)
        }
    }

    @Test func theSameBytesFromTheSameOwnerGiveTheSameIDAndARecordedRepeat() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let key = try await app.userKey(owner: "bob")
            var form = MultipartBody()
            form.file(filename: "first.png", try Fixture.bytes("chelsea.png"))
            let first = try await client.ingest(form, key: key).json()["system_ids"] as? [String]
            var again = MultipartBody()
            again.file(filename: "renamed.png", try Fixture.bytes("chelsea.png"))
            let second = try await client.ingest(again, key: key).json()["system_ids"] as? [String]
            #expect(first != nil && first == second)
            let object = try await client.call(.get, "/api/v1/objects/\(first![0])", key: key).json()
            let lineage = try #require(object["lineage"] as? [[String: Any]])
            #expect(lineage.compactMap { $0["action"] as? String } == ["ingest.accepted", "ingest.repeated"])
            #expect((lineage[1]["detail"] as? [String: Any])?["filename"] as? String == "renamed.png")

            // Another owner sending the same bytes gets an asset of their own.
            var other = MultipartBody()
            other.file(filename: "mine.png", try Fixture.bytes("chelsea.png"))
            let third = try await client.ingest(other, key: try await app.userKey(owner: "carol")).json()["system_ids"]
            #expect((third as? [String]) != first)
        }
    }

    @Test func bareJSONAndNDJSONBodiesBecomeOneAssetPerDocument() async throws {
        try await TestApp.run { client, app in
            let array = try await client.call(
                .post, "/api/v1/ingest", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: #"[{"id":1},{"id":2},{"id":3,"nested":{"a":[1,2]}}]"#))
            #expect(array.status == .accepted)
            let ids = try #require(try array.json()["system_ids"] as? [String])
            #expect(ids.count == 3)
            let third = try await client.call(.get, "/api/v1/objects/\(ids[2])/content", key: app.adminKey)
            #expect(String(buffer: third.body) == #"{"id":3,"nested":{"a":[1,2]}}"#)

            let lines = try await client.call(
                .post, "/api/v1/ingest", key: app.adminKey, contentType: "application/x-ndjson",
                body: ByteBuffer(string: "{\"n\":1}\n\n{\"n\":2}\r\n"))
            #expect(lines.status == .accepted)
            let jobID = try #require(try lines.json()["job_id"] as? String)
            #expect((try lines.json()["system_ids"] as? [String])?.count == 2)
            let status = try await client.waitForJob(jobID, key: app.adminKey)
            #expect(status["status"] as? String == "done")
        }
    }

    @Test func objectsArePagedWithACursor() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let documents = (0..<7).map { #"{"page_test":\#($0)}"# }.joined(separator: ",")
            _ = try await client.call(
                .post, "/api/v1/ingest", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: "[\(documents)]"))
            var seen: [String] = []
            var cursor: String?
            repeat {
                let query = "/api/v1/objects?kind=json&limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.call(.get, query, key: app.adminKey).json()
                seen += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["system_id"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(seen.count == 7)
            #expect(Set(seen).count == 7)
            for bad in ["limit=abc", "limit=0", "limit=501", "cursor=bogus", "kind=pdf"] {
                let response = try await client.call(.get, "/api/v1/objects?\(bad)", key: app.adminKey)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.errorCode == "invalid_query")
            }
        }
    }
}
