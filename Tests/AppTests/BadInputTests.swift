import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import TestSupport

/// Each kind of bad input gets its documented 4xx with a JSON error, nothing of the request is
/// stored, and the server keeps serving.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let status: HTTPResponse.Status
        let code: String
        let contentType: String
        let body: ByteBuffer
        var testDescription: String { name }
    }

    static func form(_ build: (inout MultipartBody) -> Void) -> (String, ByteBuffer) {
        var form = MultipartBody()
        build(&form)
        return (form.contentType, form.finished())
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        func add(_ name: String, _ status: HTTPResponse.Status, _ code: String, _ request: (String, ByteBuffer)) {
            cases.append(Case(name: name, status: status, code: code, contentType: request.0, body: request.1))
        }
        add("empty file", .badRequest, "empty_part", form { $0.file(filename: "empty.jpg", []) })
        add(
            "malformed multipart", .badRequest, "malformed_multipart",
            (
                "multipart/form-data; boundary=xyz",
                ByteBuffer(string: "--xyz\r\nContent-Disposition: form-data\r\n\r\nabc")
            ))
        add("multipart without boundary", .badRequest, "malformed_multipart", ("multipart/form-data", ByteBuffer()))
        add("malformed JSON payload", .badRequest, "invalid_json", form { $0.field("payload", #"{"name": "x",}"#) })
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        add("JSON nested 100,000 levels", .badRequest, "invalid_json", form { $0.field("payload", deep) })
        add(
            "payload of invalid UTF-8", .badRequest, "invalid_json",
            form { $0.field("payload", bytes: Array(#"{"name":""#.utf8) + [0xC3, 0x28, 0xFF] + Array(#""}"#.utf8)) })
        add("unknown field", .badRequest, "unknown_field", form { $0.field("colour", "blue") })
        add(
            "unsupported file type", .unsupportedMediaType, "unsupported_media_type",
            form { $0.file(filename: "notes.txt", Array("just some text".utf8)) })
        add("no items", .badRequest, "no_items", form { $0.field("comments", "nothing else") })
        add("JSON scalar body", .badRequest, "invalid_json", ("application/json", ByteBuffer(string: "42")))
        add(
            "unsupported content type", .unsupportedMediaType, "unsupported_content_type",
            ("text/plain", ByteBuffer(string: "hi")))
        return cases
    }()

    @Test(arguments: cases)
    func badInputIsRejectedAndNothingIsStored(_ badCase: Case) async throws {
        try await TestApp.run(workers: 0) { client, app in
            // One good part before the bad one: it must not be kept either.
            let response = try await client.call(
                .post, "/api/v1/ingest", key: app.adminKey, contentType: badCase.contentType, body: badCase.body)
            #expect(response.status == badCase.status)
            #expect(response.errorCode == badCase.code)
            #expect(((try response.json()["error"] as? [String: Any])?["message"] as? String)?.isEmpty == false)
            let stored = try await client.call(.get, "/api/v1/objects", key: app.adminKey).json()
            #expect((stored["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.call(.get, "/healthz", key: nil).status == .ok)
        }
    }

    @Test func aGoodPartBeforeABadOneIsNotKept() async throws {
        try await TestApp.run(workers: 0) { client, app in
            var form = MultipartBody()
            form.file(filename: "good.png", try Fixture.bytes("chelsea.png"))
            form.file(filename: "empty.png", [])
            let response = try await client.ingest(form, key: app.adminKey)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "empty_part")
            let stored = try await client.call(.get, "/api/v1/objects", key: app.adminKey).json()
            #expect((stored["items"] as? [Any])?.isEmpty == true)
            let staging = app.storageRoot.appending(path: ".staging")
            #expect(try FileManager.default.contentsOfDirectory(atPath: staging.path).isEmpty)
        }
    }

    @Test func aPathTraversalFilenameIsOnlyADisplayName() async throws {
        try await TestApp.run(workers: 0) { client, app in
            var form = MultipartBody()
            form.file(filename: "../../etc/passwd", try Fixture.bytes("chelsea.png"))
            let response = try await client.ingest(form, key: app.adminKey)
            #expect(response.status == .accepted)
            let id = try #require((try response.json()["system_ids"] as? [String])?.first)
            let object = try await client.call(.get, "/api/v1/objects/\(id)", key: app.adminKey).json()
            #expect(object["original_filename"] as? String == "../../etc/passwd")
            let uri = try #require(object["storage_uri"] as? String)
            // Relative to the store: the server's own paths are not shown to clients.
            #expect(uri.hasPrefix("raw/"))
            #expect(!uri.contains(app.storageRoot.path))
            #expect(!uri.contains("passwd") && !uri.contains(".."))
        }
    }

    @Test func aBodyOverTheLimitGets413() async throws {
        try await TestApp.run(workers: 0, maximumUploadBytes: 100_000) { client, app in
            var form = MultipartBody()
            form.file(filename: "big.png", try Fixture.bytes("chelsea.png"))  // 240 KB
            let response = try await client.ingest(form, key: app.adminKey)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "payload_too_large")
            #expect(try await client.call(.get, "/healthz", key: nil).status == .ok)
            let staging = app.storageRoot.appending(path: ".staging")
            try await eventually("the staged part to be removed") {
                try FileManager.default.contentsOfDirectory(atPath: staging.path).isEmpty
            }
        }
    }
}
