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

/// JSON documents by their text values, alone or mixed with media.
@Suite struct DocumentSearchAPITests {
    @Test func documentsAreFoundByTheirWordsAndMixWithMedia() async throws {
        try await TestApp.run(configure: Organising.configure) { client, app in
            let documents = """
                [{"customer": "ACME Zanzibar Ltd", "total": 5, "lines": [{"title": "spice"}]},
                 {"customer": "Other", "note": "a shipment to Zanzibar"},
                 {"customer": "Nobody", "note": "nothing to see"}]
                """
            let posted = try await client.call(
                .post, "/api/v1/ingest?collection=invoices", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: documents))
            #expect(posted.status == .accepted)
            let photo = try await Organising.upload(
                [.init(name: "beach.png", bytes: try Fixture.bytes("chelsea.png"), type: "image/png")],
                comments: "zanzibar", client: client, key: app.adminKey)
            try await SearchTests.ready(app, photo)

            let json = try await SearchTests.search(client, "type=json&query=zanzibar", key: app.adminKey)
            #expect(json.results.count == 2)
            for result in json.results {
                #expect(result.type == "json" && result.collection?.name == "invoices")
                #expect(result.snippet?.lowercased().contains("«zanzibar»") == true, "\(result)")
            }
            #expect(Set(json.results.compactMap(\.path)) == ["customer", "note"])

            let all = try await SearchTests.search(client, "type=all&query=zanzibar&cutoff=none", key: app.adminKey)
            #expect(all.results.map(\.type).sorted() == ["json", "json", "media"])
            #expect(all.results.first { $0.type == "media" }?.id == photo[0].text)
            var paged: [String] = []
            var cursor: String?
            repeat {
                let page = try await SearchTests.search(
                    client,
                    "type=all&query=zanzibar&cutoff=none&limit=1"
                        + (cursor.map { "&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
                            ?? ""),
                    key: app.adminKey)
                paged += page.results.map(\.id)
                cursor = page.next_cursor
            } while cursor != nil && paged.count < 10
            #expect(paged.sorted() == all.results.map(\.id).sorted(), "pages of one add up to the whole")

            let stranger = try await app.userKey(owner: "stranger")
            #expect(try await SearchTests.search(client, "type=all&query=zanzibar", key: stranger).results.isEmpty)
            let noWords = try await client.call(
                .get, "/api/v1/search?type=json&similar_to=\(photo[0].text)", key: stranger)
            #expect(noWords.status == .badRequest)
        }
    }
}

/// The two promises that need more than a handful of photos: a video found at its moment, and a
/// selective filter that still fills the page.
@Suite struct SearchRecallTests {
    @Test func aVideoIsFoundAtTheMomentThatShowsThePhoto() async throws {
        try await TestApp.run(configure: Organising.configure) { client, app in
            // Rocket for six seconds, then the astronaut for six: two scenes, two moments.
            let stills = try ["rocket.jpg", "astronaut.png"].map {
                try ImageVariants.make($0, ["-vf", "scale=320:240,setsar=1"], format: "png")
            }
            let video = try ImageVariants.slideshow(["rocket.jpg", "astronaut.png"], secondsEach: 6)
            let ids = try await Organising.upload(
                [.init(name: "launch.mp4", bytes: video, type: "video/mp4")], client: client, key: app.adminKey)
            try await SearchTests.ready(app, ids)
            let segments = try #require(try await app.catalog.assets.find(ids[0])?.metadata["segments"])
            guard case .array(let list) = segments else { throw TimedOut(what: "segments") }
            #expect(list.count >= 2, "a scene change at six seconds: \(segments)")

            for (index, still) in stills.enumerated() {
                let found = try await SearchTests.search(
                    client, "cutoff=none", key: app.adminKey, method: .post, body: still, contentType: "image/png")
                let hit = try #require(found.results.first)
                #expect(hit.id == ids[0].text && hit.kind == "video")
                let moment = try #require(hit.moments?.first, "a video names its best moment")
                let shown = Double(index) * 6...Double(index + 1) * 6
                let middle = (moment.start_seconds + moment.end_seconds) / 2
                #expect(shown.contains(middle), "still \(index) is shown in \(shown), the moment is \(moment)")
                #expect(moment.frame_url.hasSuffix("thumbnail?segment=\(moment.segment)"))
                let frame = try await client.call(.get, moment.frame_url, key: app.adminKey)
                #expect(frame.status == .ok, "the moment's frame is there to show")
            }
        }
    }

    /// 20,000 vectors, 1% of them tagged: the tag filter still returns `limit` results, the
    /// nearest of the tagged ones, whether the exact scan or the index's iterative scan reads them.
    @Test(arguments: [0, 5_000]) func aOnePercentFilterStillFillsThePage(exactScanBelow: Int) async throws {
        try await TestApp.run(
            workers: 0,
            configure: {
                Organising.configure(&$0)
                $0.search.tuning.exactScanBelow = exactScanBelow
                // The test client connects first, then waits while 20,000 rows are made: on a
                // busy machine, longer than a fresh connection may stay silent by default.
                $0.http.headerTimeout = .seconds(300)
            }
        ) { client, app in
            let client2 = app.catalog.client
            let model = Organising.modelID
            // Fifty groups that overlap a little, as real embeddings do: groups far apart with
            // nothing between them can leave an HNSW graph in pieces the search cannot cross.
            try await client2.query(
                """
                WITH centres AS (
                    SELECT g AS id, array_agg(random() - 0.5 ORDER BY i)::real[] AS v
                    FROM generate_series(0, 49) g, generate_series(1, 16) i GROUP BY g
                ), made AS (
                    INSERT INTO assets (id, kind, owner, sha256, size, media_type, storage_key, status, metadata)
                    SELECT gen_random_uuid(), 'image', 'admin', sha256(('search' || n)::bytea), 1000, 'image/jpeg',
                           'raw/search/' || n, 'ready', '{}'
                    FROM generate_series(0, 19999) n
                    RETURNING id, (substr(storage_key, 12))::int AS n
                ), tags AS (
                    INSERT INTO asset_tags (asset_id, source, tag, score)
                    SELECT id, 'test', 'rare', 0.5 FROM made WHERE n % 100 = 7
                )
                INSERT INTO embeddings (asset_id, model, segment, vector, stage, version)
                SELECT m.id, \(model), 0,
                       (SELECT array_agg(c.v[i] + 0.3 * (random() - 0.5) ORDER BY i) FROM generate_series(1, 16) i)::vector,
                       'embed', 'test'
                FROM made m JOIN centres c ON c.id = m.n % 50
                """, logger: TestCluster.logger)
            try await app.catalog.embeddings.ensureIndex(dimensions: 16)
            try await client2.query("ANALYZE assets", logger: TestCluster.logger)
            try await client2.query("ANALYZE embeddings", logger: TestCluster.logger)
            try await client2.query("ANALYZE asset_tags", logger: TestCluster.logger)

            var start: UUID?
            for try await id in try await client2.query(
                "SELECT id FROM assets WHERE storage_key = 'raw/search/12345'", logger: TestCluster.logger
            ).decode(UUID.self) { start = id }
            let origin = try #require(start)
            let found = try await SearchTests.search(
                client, "similar_to=\(origin.text)&tag=rare&limit=10&cutoff=none", key: app.adminKey)
            #expect(found.results.count == 10, "a 1% filter still fills the page")
            #expect(found.timing.vector_scan == (exactScanBelow == 0 ? "index" : "exact"))
            // The ten nearest tagged vectors, compared exactly.
            var exact: [String] = []
            for try await id in try await client2.query(
                """
                SELECT e.asset_id FROM embeddings e JOIN asset_tags t ON t.asset_id = e.asset_id AND t.tag = 'rare'
                WHERE e.model = \(model) AND e.asset_id <> \(origin)
                ORDER BY e.vector <=> (SELECT vector FROM embeddings WHERE asset_id = \(origin))
                LIMIT 10
                """, logger: TestCluster.logger
            ).decode(UUID.self) { exact.append(id.text) }
            let recall = Double(Set(exact).intersection(found.results.map(\.id)).count) / 10
            #expect(recall >= (exactScanBelow == 0 ? 0.9 : 1), "recall@10 \(recall)")
            let unfiltered = try await SearchTests.search(
                client, "similar_to=\(origin.text)&limit=10&cutoff=none", key: app.adminKey)
            #expect(unfiltered.results.count == 10)
            let calibrated = try await SearchTests.search(
                client, "similar_to=\(origin.text)&limit=10", key: app.adminKey)
            #expect(calibrated.cutoff?.applied == true, "20,000 media are enough to calibrate on")
            #expect(calibrated.cutoff?.background_sample == 512)
        }
    }
}

/// `afa search` against a real `afa serve`: the table a person reads, and the JSON a script reads.
@Suite struct SearchCommandTests {
    @Test func theClientPrintsATableAndTheJSON() async throws {
        try await withCatalog { catalog, database in
            let folder = FileManager.default.temporaryDirectory.appending(path: "afa-search-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let photo = folder.appending(path: "rocket.jpg")
            try Data(try Fixture.bytes("rocket.jpg")).write(to: photo)
            try Data(try Fixture.bytes("chelsea.png")).write(to: folder.appending(path: "cat.png"))
            let port = try freePort()
            let environment = [
                "AFA_DATA": folder.appending(path: "data").path, "PORT": "\(port)", "DATABASE_URL": database.url,
                "EMBEDDING_MODEL": TinyModel.folder.path,
            ]
            let server = try AfaProcess(["serve"], environment: environment, name: "search-serve")
            try await HTTPDriver(base: "http://127.0.0.1:\(port)").waitUntilHealthy(server)
            let key = try await catalog.apiKeys.create(role: .user, owner: "searcher").key
            let connection = ["--server", "http://127.0.0.1:\(port)", "--key", key]
            let (uploaded, uploadOutput) = try await AfaProcess.run(
                ["ingest", photo.path, folder.appending(path: "cat.png").path, "--wait"] + connection, environment: [:])
            #expect(uploaded == 0, "\(uploadOutput)")

            let (code, table) = try await AfaProcess.run(
                ["search", "rocket", "--no-cutoff"] + connection, environment: [:])
            #expect(code == 0, "\(table)")
            let lines = table.split(separator: "\n")
            #expect(lines.first?.hasPrefix("score") == true && lines.first?.contains("matched") == true, "\(table)")
            #expect(lines.count >= 3 && lines[1].contains("clip,filename"), "the named photo first: \(table)")

            let (jsonCode, json) = try await AfaProcess.run(
                ["search", "--image", photo.path, "--json", "--limit", "1"] + connection, environment: [:])
            #expect(jsonCode == 0, "\(json)")
            let response = try JSONDecoder().decode(SearchResponse.self, from: Data(json.utf8))
            #expect(response.results.count == 1 && (response.results.first?.similarity ?? 0) > 0.999)
            #expect(try await server.stop() == 0)
        }
    }
}
