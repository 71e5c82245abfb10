import Catalog
import Foundation
import Hummingbird
import HummingbirdTesting
import Imaging
import NIOCore
import Testing
import WireTypes

@testable import TestSupport

/// The media stage end to end: real uploads, libvips and ffmpeg, the renditions served back.
@Suite struct MediaStageTests {
    struct Upload {
        let name: String
        let type: String
    }

    func upload(
        _ files: [(String, [UInt8], String)], client: some TestClientProtocol, app: TestApp
    ) async throws -> (IngestStatusResponse, [String: UUID]) {
        var form = MultipartBody()
        for (name, bytes, type) in files { form.file(filename: name, bytes, type: type) }
        let response = try await client.ingest(form, key: app.adminKey)
        #expect(response.status == .accepted, "\(String(buffer: response.body))")
        let accepted = try JSONDecoder().decode(IngestAccepted.self, from: Data(response.body.readableBytesView))
        let status = try await waitForStatus(accepted.job_id, client: client, key: app.adminKey)
        var ids: [String: UUID] = [:]
        for (index, (name, _, _)) in files.enumerated() { ids[name] = UUID(uuidString: accepted.system_ids[index]) }
        return (status, ids)
    }

    func waitForStatus(
        _ jobID: String, client: some TestClientProtocol, key: String
    ) async throws
        -> IngestStatusResponse
    {
        var last: IngestStatusResponse?
        try await eventually(timeout: .seconds(120), "job \(jobID) to finish") {
            let response = try await client.call(.get, "/api/v1/ingest/\(jobID)/status", key: key)
            last = try JSONDecoder().decode(IngestStatusResponse.self, from: Data(response.body.readableBytesView))
            return last?.isFinished == true
        }
        return try #require(last)
    }

    func object(_ id: UUID, client: some TestClientProtocol, key: String) async throws -> [String: Any] {
        try await client.call(.get, "/api/v1/objects/\(id.uuidString.lowercased())", key: key).json()
    }

    @Test func photosGetUprightThumbnailsAndTheirCameraFacts() async throws {
        try await TestApp.run { client, app in
            let (status, ids) = try await upload(
                [
                    ("cat-rotated.jpg", try Fixture.bytes("cat-rotated.jpg"), "image/jpeg"),
                    ("coffee.png", try Fixture.bytes("coffee.png"), "image/png"),
                ], client: client, app: app)
            #expect(status.status == "done", "\(status)")
            let cat = try #require(ids["cat-rotated.jpg"])
            let described = try await object(cat, client: client, key: app.adminKey)
            let metadata = try #require(described["metadata"] as? [String: Any])
            let image = try #require(metadata["image"] as? [String: Any])
            #expect(image["width"] as? Int == 451 && image["height"] as? Int == 300, "upright after EXIF rotation")
            let exif = try #require(metadata["exif"] as? [String: Any])
            #expect(exif["captured_at"] as? String == "2019-07-14T16:32:05+02:00")
            #expect(exif["camera_model"] as? String == "Canon EOS 80D")
            #expect(exif["lens_model"] as? String == "EF-S18-135mm f/3.5-5.6 IS USM")
            let gps = try #require(exif["gps"] as? [String: Any])
            #expect(abs((gps["latitude"] as? Double ?? 0) - 48.8584) < 0.0001)
            #expect((metadata["placeholder"] as? [String: Any])?["blurhash"] is String)

            let smallURL = try #require(described["thumbnail_url"] as? String)
            let small = try await client.call(.get, smallURL, key: app.adminKey)
            #expect(small.status == .ok)
            #expect(small.headers[.contentType] == "image/webp")
            let pixels = try ImageRenderer.pixels(ofImage: Array(small.body.readableBytesView))
            #expect(pixels.width == 250 && pixels.height == 250)
            let etag = try #require(small.headers[.eTag])
            #expect(small.headers[.cacheControl] != nil)
            let again = try await client.call(.get, smallURL, key: app.adminKey, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)

            let preview = try await client.call(
                .get, try #require(described["preview_url"] as? String), key: app.adminKey)
            let previewPixels = try ImageRenderer.pixels(ofImage: Array(preview.body.readableBytesView))
            #expect(previewPixels.width == 451 && previewPixels.height == 300, "upright, and never enlarged")

            // Another owner's key cannot see it; a JSON document has no thumbnail.
            let mallory = try await app.userKey(owner: "mallory")
            #expect(try await client.call(.get, smallURL, key: mallory).status == .notFound)
            let bad = try await client.call(
                .get, smallURL.replacingOccurrences(of: "small", with: "huge"), key: app.adminKey)
            #expect(bad.errorCode == "invalid_query")

            // Every fixture photo: a valid 250 × 250 WebP thumbnail and a preview within 1440 px.
            let (others, otherIDs) = try await upload(
                [
                    ("astronaut.png", try Fixture.bytes("astronaut.png"), "image/png"),
                    ("chelsea.png", try Fixture.bytes("chelsea.png"), "image/png"),
                    ("rocket.jpg", try Fixture.bytes("rocket.jpg"), "image/jpeg"),
                ], client: client, app: app)
            #expect(others.status == "done", "\(others)")
            for id in Array(otherIDs.values) + [ids["coffee.png"]!] {
                let base = "/api/v1/objects/\(id.uuidString.lowercased())/thumbnail"
                let thumbnail = try await client.call(.get, base + "?size=small", key: app.adminKey)
                let square = try ImageRenderer.pixels(ofImage: Array(thumbnail.body.readableBytesView))
                #expect(square.width == 250 && square.height == 250)
                let large = try await client.call(.get, base + "?size=preview", key: app.adminKey)
                #expect(large.headers[.contentType] == "image/webp")
                let previewed = try ImageRenderer.pixels(ofImage: Array(large.body.readableBytesView))
                #expect(max(previewed.width, previewed.height) <= 1440 && min(previewed.width, previewed.height) > 250)
            }

            let hashes = try await app.catalog.client.query(
                "SELECT count(*) FROM perceptual_hashes WHERE asset_id = \(cat) AND segment = 0",
                logger: TestCluster.logger)
            for try await count in hashes.decode(Int.self) { #expect(count == 1) }
            let events = try await app.catalog.lineage.events(for: cat, limit: 50)
            #expect(events.contains { $0.action == "stage.media.done" })
        }
    }

    @Test func theSlideshowIsCutAtItsScenesAndItsPosterIsNotTheBlackOpening() async throws {
        try await TestApp.run { client, app in
            let (status, ids) = try await upload(
                [
                    ("slideshow.mp4", try Fixture.bytes("slideshow.mp4"), "video/mp4"),
                    ("clip.webm", try Fixture.bytes("clip.webm"), "video/webm"),
                ], client: client, app: app)
            #expect(status.status == "done", "\(status)")
            let slideshow = try await object(try #require(ids["slideshow.mp4"]), client: client, key: app.adminKey)
            let segments = try #require(slideshow["segments"] as? [[String: Any]])
            let starts = segments.compactMap { $0["start_seconds"] as? Double }
            let ends = segments.compactMap { $0["end_seconds"] as? Double }
            #expect(segments.count == 3, "\(segments)")
            for (boundary, expected) in zip(starts, [2.0, 6.0, 10.0]) {
                #expect(abs(boundary - expected) <= 0.5, "a segment starts at \(boundary), expected \(expected) ± 0.5")
            }
            #expect(abs((ends.last ?? 0) - 14) <= 0.5)
            let video = try #require((slideshow["metadata"] as? [String: Any])?["video"] as? [String: Any])
            #expect(abs((video["duration_seconds"] as? Double ?? 0) - 14) < 0.1)
            #expect(video["video_codec"] as? String == "h264" && video["audio_codec"] as? String == "aac")
            #expect(video["width"] as? Int == 640 && video["height"] as? Int == 480)

            // The poster is a picture, not the black fade-in, and each segment's frame is served.
            let poster = try await client.call(
                .get, try #require(slideshow["thumbnail_url"] as? String), key: app.adminKey)
            let posterImage = try ImageRenderer().render(Array(poster.body.readableBytesView))
            #expect(posterImage.contrast > 20, "the poster has contrast \(posterImage.contrast)")
            for segment in segments {
                let frame = try await client.call(
                    .get, try #require(segment["frame_url"] as? String), key: app.adminKey)
                #expect(frame.status == .ok && frame.headers[.contentType] == "image/webp")
            }
            let missing = try await client.call(
                .get, "/api/v1/objects/\(ids["slideshow.mp4"]!.uuidString.lowercased())/thumbnail?segment=9",
                key: app.adminKey)
            #expect(missing.status == .notFound)

            let webm = try await object(try #require(ids["clip.webm"]), client: client, key: app.adminKey)
            let webmSegments = try #require(webm["segments"] as? [[String: Any]])
            #expect(webmSegments.count == 2, "\(webmSegments)")
            #expect(abs((webmSegments.first?["end_seconds"] as? Double ?? 0) - 3) <= 0.5)
        }
    }

    @Test func badMediaFailsWithItsReasonAndTheWorkerKeepsGoing() async throws {
        try await TestApp.run(configure: { $0.media.maximumPixels = 100_000_000 }) { client, app in
            let jpeg = try Fixture.bytes("rocket.jpg")
            var png = try Fixture.bytes("chelsea.png")
            for index in png.count / 2..<png.count / 2 + 64 { png[index] ^= 0x5A }
            let mp4 = try Fixture.bytes("slideshow.mp4")
            let noMoov = Self.withoutMoov(mp4)
            let (status, ids) = try await upload(
                [
                    ("truncated.jpg", Array(jpeg.prefix(jpeg.count / 2)), "image/jpeg"),
                    ("corrupt.png", png, "image/png"),
                    ("bomb.png", Self.pngHeader(width: 50_000, height: 50_000), "image/png"),
                    ("nomoov.mp4", noMoov, "video/mp4"),
                    ("good.jpg", jpeg, "image/jpeg"),
                ], client: client, app: app)
            var reasons: [String: String] = [:]
            for (name, id) in ids {
                let item = try #require(status.items.first { $0.system_id == id.uuidString.lowercased() })
                reasons[name] = item.error ?? item.stages.compactMap(\.reason).joined(separator: "; ")
                if name == "good.jpg" {
                    #expect(item.state == "done", "the worker went on to the good file: \(item)")
                } else {
                    #expect(item.state == "failed", "\(name): \(item)")
                }
            }
            #expect(reasons["bomb.png"]?.contains("refused before decoding") == true, "\(reasons)")
            #expect(reasons["truncated.jpg"]?.contains("cannot be decoded") == true, "\(reasons)")
            #expect(reasons["corrupt.png"]?.isEmpty == false, "\(reasons)")
            #expect(reasons["nomoov.mp4"]?.contains("moov") == true, "\(reasons)")

            // A zero-length video and a text file named .mp4 are refused at the door, each with its
            // reason: the ingest classifies by content, never by name.
            var empty = MultipartBody()
            empty.file(filename: "empty.mp4", [], type: "video/mp4")
            let refused = try await client.ingest(empty, key: app.adminKey)
            #expect(refused.status == .badRequest && refused.errorCode == "empty_part")
            var text = MultipartBody()
            text.file(filename: "text.mp4", Array("this is not a video at all\n".utf8), type: "video/mp4")
            let notVideo = try await client.ingest(text, key: app.adminKey)
            #expect(notVideo.status == .unsupportedMediaType && notVideo.errorCode == "unsupported_media_type")
        }
    }

    @Test func aToolRunningPastItsTimeLimitIsKilledAndTheJobFails() async throws {
        try await TestApp.run(configure: { $0.media.toolTimeout = .milliseconds(100) }) { client, app in
            let (status, _) = try await upload(
                [("slideshow.mp4", try Fixture.bytes("slideshow.mp4"), "video/mp4")], client: client, app: app)
            let reason = status.items.first?.stages.first { $0.stage == "media" }?.reason ?? ""
            #expect(status.items.first?.state == "failed")
            #expect(reason.contains("did not finish within"), "\(reason)")
        }
    }

    /// The file cut where its `moov` box begins, as a recording interrupted before its index was
    /// written: the pictures are there (`mdat`), but nothing says how to read them.
    static func withoutMoov(_ mp4: [UInt8]) -> [UInt8] {
        var offset = 0
        while offset + 8 <= mp4.count {
            let size = mp4[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            if Array(mp4[offset + 4..<offset + 8]) == Array("moov".utf8) { return Array(mp4[..<offset]) }
            guard size >= 8 else { break }
            offset += size
        }
        Issue.record("the fixture has no moov box")
        return mp4
    }

    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        func crc32(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            }
            return ~crc
        }
        let body = Array("IHDR".utf8) + bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + bigEndian(13) + body + bigEndian(crc32(body))
            + bigEndian(0) + Array("IEND".utf8) + bigEndian(crc32(Array("IEND".utf8)))
    }
}
