import App
import Catalog
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WireTypes

@testable import TestSupport

/// Media search as a user meets it: ranked as an exact cosine ranking would rank, words people
/// wrote lifting what they describe, filters and pages that keep their promise, an uploaded
/// photo finding its near-duplicate, a video found at the moment that shows the photo.
@Suite struct SearchTests {
    static func search(
        _ client: some TestClientProtocol, _ query: String, key: String, method: HTTPRequest.Method = .get,
        body: [UInt8]? = nil, contentType: String? = nil
    ) async throws -> SearchResponse {
        let response = try await client.call(
            method, "/api/v1/search?\(query)", key: key, contentType: contentType,
            body: body.map { ByteBuffer(bytes: $0) })
        try #require(
            response.status == .ok, "\(query): \(response.status) \(String(buffer: response.body))")
        return try JSONDecoder().decode(SearchResponse.self, from: Data(response.body.readableBytesView))
    }

    static func ready(_ app: TestApp, _ ids: [UUID]) async throws {
        try await eventually(timeout: .seconds(180), "the media to be processed") {
            for id in ids where try await app.catalog.assets.find(id)?.status != .ready { return false }
            return true
        }
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var (dot, na, nb): (Double, Double, Double) = (0, 0, 0)
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return dot / (na * nb).squareRoot()
    }

    @Test func rankingFiltersPagesAndImageQueriesBehaveAsAUserExpects() async throws {
        try await TestApp.run(configure: Organising.configure) { client, app in
            let smaller = try ImageVariants.make("rocket.jpg", ["-vf", "scale=iw*0.6:-2", "-q:v", "12"], format: "jpg")
            let burst = ImageVariants.withExif(
                try ImageVariants.frame("clip.webm", at: 1.5), make: "Canon", model: "EOS R6",
                taken: "2021:03:02 10:00:00")
            var ids = try await Organising.upload(
                [
                    .init(name: "rocket.jpg", bytes: try Fixture.bytes("rocket.jpg"), type: "image/jpeg"),
                    .init(name: "rocket-small.jpg", bytes: smaller, type: "image/jpeg"),
                    .init(name: "chelsea.png", bytes: try Fixture.bytes("chelsea.png"), type: "image/png"),
                    .init(name: "zanzibar-astronaut.png", bytes: try Fixture.bytes("astronaut.png"), type: "image/png"),
                    .init(name: "burst.jpg", bytes: burst, type: "image/jpeg"),
                ], client: client, key: app.adminKey)
            ids += try await Organising.upload(
                [.init(name: "cup.png", bytes: try Fixture.bytes("coffee.png"), type: "image/png")],
                comments: "breakfast in Zanzibar", client: client, key: app.adminKey)
            let (rocket, rocketSmall, _, astronaut, burstID, coffee) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5])
            try await Self.ready(app, ids)
            let model = Organising.modelID

            // The spec's query and shape: results[] with id, uri, tags and similarity.
            let plain = try await client.call(.get, "/api/v1/search?query=dog&type=media&limit=10", key: app.adminKey)
            #expect(plain.status == .ok)
            let plainResults = try #require(try plain.json()["results"] as? [[String: Any]])
            for result in plainResults {
                #expect(result["id"] is String && result["uri"] is String && result["tags"] is [String])
                #expect(result["similarity"] is Double, "every result shows its similarity")
            }

            // Words people wrote lift what they describe above what CLIP alone finds.
            let zanzibar = try await Self.search(client, "query=zanzibar&cutoff=none&limit=10", key: app.adminKey)
            #expect(Set(zanzibar.results.prefix(2).map(\.id)) == [astronaut.text, coffee.text], "\(zanzibar.results)")
            let byComments = try #require(zanzibar.results.first { $0.id == coffee.text })
            #expect(byComments.matched.contains("comments") && byComments.matched.contains("clip"))
            #expect(byComments.why.contains { $0.contains("comments") && $0.contains("zanzibar") })
            let byFilename = try #require(zanzibar.results.first { $0.id == astronaut.text })
            #expect(byFilename.matched.contains("filename"))
            #expect(zanzibar.results.count == ids.count, "cutoff=none leaves every medium in")
            let clipOnly = zanzibar.results.dropFirst(2)
            #expect(clipOnly.allSatisfy { $0.matched == ["clip"] })
            #expect(zanzibar.timing.total_ms > 0 && zanzibar.timing.vector_scan != nil)
            #expect(zanzibar.cutoff?.applied == false)

            // Exactly as an exact cosine ranking over every stored vector ranks them.
            let similar = try await Self.search(client, "similar_to=\(rocket.text)&cutoff=none", key: app.adminKey)
            let query = try #require(try await app.catalog.embeddings.vector(of: rocket, model: model))
            var expected: [(String, Double)] = []
            for id in ids where id != rocket {
                let vector = try #require(try await app.catalog.embeddings.vector(of: id, model: model))
                expected.append((id.text, Self.cosine(query, vector)))
            }
            expected.sort { $0.1 > $1.1 }
            #expect(similar.results.map(\.id) == expected.map(\.0))
            for (result, (_, cosine)) in zip(similar.results, expected) {
                #expect(abs((result.similarity ?? 0) - cosine) < 1e-5)
            }
            #expect(similar.results.first?.id == rocketSmall.text, "the near-duplicate comes first")

            // An uploaded photo (another copy, never stored) finds the near-duplicates first.
            let another = try ImageVariants.make(
                "rocket.jpg", ["-vf", "crop=iw*0.9:ih*0.9", "-q:v", "8"], format: "jpg")
            let byImage = try await Self.search(
                client, "cutoff=none&limit=3", key: app.adminKey, method: .post, body: another,
                contentType: "image/jpeg")
            #expect(Set(byImage.results.prefix(2).map(\.id)) == [rocket.text, rocketSmall.text])
            #expect(byImage.kept_id == nil)
            #expect(
                try await app.catalog.assets.list(owner: "admin", kind: nil, after: nil, limit: 50).count == ids.count)

            // Filters, dates, pages.
            let taken = try await Self.search(
                client, "query=photo&taken_after=2021-03&taken_before=2021&cutoff=none", key: app.adminKey)
            #expect(taken.results.map(\.id) == [burstID.text])
            #expect(taken.results.first?.taken_at == "2021-03-02T10:00:00")
            let videos = try await Self.search(client, "query=photo&kind=video&cutoff=none", key: app.adminKey)
            #expect(videos.results.isEmpty)
            let year = try await Self.search(client, "query=march%202021&cutoff=none", key: app.adminKey)
            #expect(year.results.first?.id == burstID.text && year.results.first?.matched.contains("date") == true)
            let tag = try #require(try await app.catalog.assets.tags(of: chelseaTagSource(ids)).first?.tag)
            let tagged = try await Self.search(
                client,
                "query=photo&tag=\(tag.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&cutoff=none",
                key: app.adminKey)
            #expect(!tagged.results.isEmpty)
            for result in tagged.results {
                let tags = try await app.catalog.assets.tags(of: try #require(UUID(uuidString: result.id)))
                #expect(tags.contains { $0.tag == tag })
            }
            for sort in ["relevance", "date"] {
                let whole = try await Self.search(client, "query=rocket&cutoff=none&sort=\(sort)", key: app.adminKey)
                var paged: [String] = []
                var cursor: String?
                repeat {
                    let page = try await Self.search(
                        client,
                        "query=rocket&cutoff=none&sort=\(sort)&limit=2"
                            + (cursor.map {
                                "&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                            } ?? ""),
                        key: app.adminKey)
                    #expect(page.results.count <= 2)
                    paged += page.results.map(\.id)
                    cursor = page.next_cursor
                } while cursor != nil && paged.count < 20
                #expect(paged == whole.results.map(\.id), "\(sort): pages add up to the whole, once each")
            }
            let byDate = try await Self.search(client, "query=rocket&cutoff=none&sort=date", key: app.adminKey)
            #expect(byDate.results.last?.id == burstID.text, "taken in 2021: older than every upload of today")

            // Another owner sees none of it; bad input is a clear 400.
            let userKey = try await app.userKey(owner: "someone-else")
            #expect(try await Self.search(client, "query=zanzibar&cutoff=none", key: userKey).results.isEmpty)
            let hidden = try await client.call(.get, "/api/v1/search?similar_to=\(rocket.text)", key: userKey)
            #expect(hidden.status == .notFound)
            for bad in [
                "", "query=a&similar_to=\(rocket.text)", "query=a&limit=0", "query=a&cursor=xyz", "query=a&sort=size",
                "query=a&taken_after=yesterday", "query=a&owner=admin",
            ] {
                let response = try await client.call(.get, "/api/v1/search?\(bad)", key: userKey)
                #expect([.badRequest, .forbidden].contains(response.status), "\(bad)")
                #expect(response.errorCode != nil)
            }
            let notAnImage = try await client.call(
                .post, "/api/v1/search", key: userKey, contentType: "text/plain", body: ByteBuffer(string: "dog"))
            #expect(notAnImage.status == .unsupportedMediaType)
            let broken = try await client.call(
                .post, "/api/v1/search", key: userKey, contentType: "image/jpeg",
                body: ByteBuffer(bytes: [0xFF, 0xD8, 1, 2]))
            #expect(broken.status == .unprocessableContent, "\(String(buffer: broken.body))")

            // Kept when asked: stored as an upload would be.
            let kept = try await Self.search(
                client, "keep=true&filename=query.jpg", key: userKey, method: .post, body: another,
                contentType: "image/jpeg")
            let keptID = try #require(kept.kept_id.flatMap(UUID.init(uuidString:)))
            #expect(try await app.catalog.assets.find(keptID)?.owner == "someone-else")

            let metrics = try await client.call(.get, "/metrics", key: nil)
            #expect(String(buffer: metrics.body).contains("afa_search_total_seconds_bucket"))
        }
    }

    /// The tags the tiny model gave the first medium: any tag of a real medium filters.
    private func chelseaTagSource(_ ids: [UUID]) -> UUID { ids[2] }
}
