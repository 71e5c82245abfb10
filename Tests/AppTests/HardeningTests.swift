import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import TestSupport

/// One test per finding of the hardening review (issue "a user key can crash the server…");
/// each failed before the fix. The connection findings run against the real binary in
/// `ConnectionHygieneTests`; framing and the rest of the hostile inputs in `HostileInputTests`.
@Suite struct HardeningTests {
    /// 1. A forged cursor (`9223372036854775807:…`) ended the process.
    @Test func aForgedCursorIsRefusedAndTheServerStaysUp() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let user = try await app.userKey(owner: "bob")
            for micros in ["9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e18"] {
                let token = Data("\(micros):00000000-0000-0000-0000-000000000000".utf8).base64EncodedString()
                let response = try await client.call(.get, "/api/v1/objects?cursor=\(token)", key: user)
                #expect(response.status == .badRequest, "\(micros)")
                #expect(response.errorCode == "invalid_query")
            }
            #expect(try await client.call(.get, "/healthz", key: nil).status == .ok)
        }
    }

    /// 2. Concurrent requests of one owner with the same parts in opposite orders deadlocked
    /// (14–19 of 20 answered 500 after `40P01`).
    @Test func partsInOppositeOrdersNeverDeadlock() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let user = try await app.userKey(owner: "carol")
            for round in 0..<3 {
                let a = Array(#"{"round":\#(round),"part":"A","pad":"\#(String(repeating: "a", count: 100))"}"#.utf8)
                let b = Array(#"{"round":\#(round),"part":"B"}"#.utf8)
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<20 {
                        group.addTask {
                            var form = MultipartBody()
                            for document in index.isMultiple(of: 2) ? [a, b] : [b, a] {
                                form.file(filename: "doc.json", document, type: "application/json")
                            }
                            return try await client.ingest(form, key: user).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.allSatisfy { $0 == .accepted }, "round \(round): \(statuses)")
            }
            let listed = try await client.call(.get, "/api/v1/objects?owner=carol", key: app.adminKey).json()
            #expect((listed["items"] as? [Any])?.count == 6)
            let audit = try await client.call(.get, "/api/v1/admin/audit/verify", key: app.adminKey).json()
            #expect(audit["intact"] as? Bool == true)
        }
    }

    /// 4. A NUL in `owner` or `comments` answered 500 after the file's blob had been renamed
    /// into `raw/`, where nothing accounted for it.
    @Test func aNULInATextFieldIsRefusedBeforeAnyBlobIsKept() async throws {
        try await TestApp.run(workers: 0) { client, app in
            for (field, value) in [("comments", "a\u{0}b"), ("owner", "a\u{0}b")] {
                var form = MultipartBody()
                form.file(filename: "good.png", try Fixture.bytes("chelsea.png"))
                form.field(field, value)
                let response = try await client.ingest(form, key: app.adminKey)
                #expect(response.status == .badRequest, "\(field)")
                #expect(response.errorCode == "invalid_field")
            }
            let raw = app.storageRoot.appending(path: "raw")
            #expect(!FileManager.default.fileExists(atPath: raw.path) || Self.files(under: raw).isEmpty)
            try await eventually("staging to be empty") {
                Self.files(under: app.storageRoot.appending(path: ".staging")).isEmpty
            }
            let key = try await client.call(
                .post, "/api/v1/admin/keys", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: #"{"role":"user","owner":"a\u0000b"}"#))
            #expect(key.status == .badRequest)
        }
    }

    /// 5. `{"n":1e400}` and `{"s":"\ud800"}` were accepted, then died in the worker after five
    /// attempts with Foundation internals as the reason. Now the first is stored and processed
    /// losslessly and the second is refused at ingest, by the same scanner in both places.
    @Test func jsonIsJudgedTheSameAtIngestAndInTheWorker() async throws {
        try await TestApp.run(workers: 2) { client, app in
            let big = try await client.call(
                .post, "/api/v1/ingest", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: #"{"n":1e400,"m":-123456789012345678901234567890}"#))
            #expect(big.status == .accepted)
            let job = try #require(try big.json()["job_id"] as? String)
            let status = try await client.waitForJob(job, key: app.adminKey)
            #expect(status["status"] as? String == "done", "\(status)")
            let id = try #require((try big.json()["system_ids"] as? [String])?.first)
            let content = try await client.call(.get, "/api/v1/objects/\(id)/content", key: app.adminKey)
            #expect(String(buffer: content.body) == #"{"n":1e400,"m":-123456789012345678901234567890}"#)

            let surrogate = try await client.call(
                .post, "/api/v1/ingest", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: #"{"s":"\ud800"}"#))
            #expect(surrogate.status == .badRequest)
            #expect(surrogate.errorCode == "invalid_json")
        }
    }

    /// 6. 10,000 identical objects in one array took 49 s and left one object with 10,001
    /// lineage events; repeats are now one item with a count, and lineage is paged.
    @Test func repeatsInsideARequestAreRecordedOnce() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let array = "[" + Array(repeating: #"{"same":"document"}"#, count: 10_000).joined(separator: ",") + "]"
            let started = ContinuousClock.now
            let response = try await client.call(
                .post, "/api/v1/ingest", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: array))
            let elapsed = ContinuousClock.now - started
            #expect(response.status == .accepted)
            let ids = try #require(try response.json()["system_ids"] as? [String])
            #expect(ids.count == 10_000 && Set(ids).count == 1, "one asset, named once per item sent")
            #expect(elapsed < .seconds(10), "\(elapsed)")  // a bound on the work, not a benchmark
            let status = try await client.call(
                .get, "/api/v1/ingest/\(try #require(try response.json()["job_id"] as? String))/status",
                key: app.adminKey
            ).json()
            let items = try #require(status["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["copies"] as? Int == 10_000)
            let object = try await client.call(.get, "/api/v1/objects/\(ids[0])", key: app.adminKey)
            #expect(try object.json()["lineage_total"] as? Int == 1)
            #expect(object.body.readableBytes < 10_000)

            // Sent again 60 times: the object's page stays bounded and the rest is a link away.
            for _ in 0..<60 {
                _ = try await client.call(
                    .post, "/api/v1/ingest", key: app.adminKey, contentType: "application/json",
                    body: ByteBuffer(string: #"{"same":"document"}"#))
            }
            let repeated = try await client.call(.get, "/api/v1/objects/\(ids[0])", key: app.adminKey).json()
            #expect((repeated["lineage"] as? [Any])?.count == 50)
            #expect(repeated["lineage_total"] as? Int == 61)
            let next = try #require(repeated["lineage_next"] as? String)
            let page = try await client.call(.get, next, key: app.adminKey).json()
            #expect((page["events"] as? [[String: Any]])?.map { $0["seq"] as? Int } == Array(51...61))
        }
    }

    /// 6. `comments` and the number of parts are bounded.
    @Test func commentsAndPartCountsAreBounded() async throws {
        try await TestApp.run(workers: 0, configure: { $0.maximumItemsPerRequest = 5 }) { client, app in
            var long = MultipartBody()
            long.field("comments", String(repeating: "c", count: 4097))
            long.field("payload", "{}")
            #expect(try await client.ingest(long, key: app.adminKey).status == .contentTooLarge)
            var many = MultipartBody()
            for index in 0..<6 { many.file(filename: "\(index).json", Array("{\"i\":\(index)}".utf8)) }
            let response = try await client.ingest(many, key: app.adminKey)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "too_many_items")
        }
    }

    /// 8. Bytes changed on disk were served with the old ETag; now the read is refused and
    /// the blob audit names the object.
    @Test func changedBytesAreRefusedAndReportedByTheAudit() async throws {
        try await TestApp.run(workers: 0) { client, app in
            var form = MultipartBody()
            form.file(filename: "chelsea.png", try Fixture.bytes("chelsea.png"))
            let accepted = try await client.ingest(form, key: app.adminKey).json()
            let id = try #require((accepted["system_ids"] as? [String])?.first)
            let object = try await client.call(.get, "/api/v1/objects/\(id)", key: app.adminKey).json()
            let path = app.storageRoot.appending(path: try #require(object["storage_uri"] as? String))
            let intact = try await client.call(.get, "/api/v1/admin/audit/verify?blobs=true", key: app.adminKey).json()
            #expect((intact["blobs"] as? [String: Any])?["intact"] as? Bool == true)

            var bytes = try Data(contentsOf: path)
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: path)
            let content = try await client.call(.get, "/api/v1/objects/\(id)/content", key: app.adminKey)
            #expect(content.status == .internalServerError)
            #expect(content.errorCode == "blob_corrupt")
            let audit = try await client.call(.get, "/api/v1/admin/audit/verify?blobs=true", key: app.adminKey).json()
            #expect(audit["intact"] as? Bool == false)
            let findings = (audit["blobs"] as? [String: Any])?["findings"] as? [[String: Any]]
            #expect(findings?.map { $0["asset_id"] as? String } == [id])
        }
    }

    /// 8. A key revoked through the API stopped working only when the cache expired.
    @Test func aRevokedKeyStopsWorkingAtOnce() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let created = try await client.call(
                .post, "/api/v1/admin/keys", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: #"{"role":"user","owner":"dave"}"#)
            ).json()
            let key = try #require(created["key"] as? String)
            let keyID = try #require(created["id"] as? String)
            #expect(try await client.call(.get, "/api/v1/objects", key: key).status == .ok)  // now cached
            let listed = try await client.call(.get, "/api/v1/admin/keys", key: app.adminKey).json()
            #expect((listed["keys"] as? [[String: Any]])?.contains { $0["id"] as? String == keyID } == true)
            #expect(try await client.call(.delete, "/api/v1/admin/keys/\(keyID)", key: app.adminKey).status == .ok)
            #expect(try await client.call(.get, "/api/v1/objects", key: key).status == .unauthorized)
            #expect(
                try await client.call(.delete, "/api/v1/admin/keys/\(keyID)", key: app.adminKey).status == .notFound)
        }
    }

    /// 8. Content had no `nosniff`, no safe `Content-Disposition`, no `HEAD`, and user keys
    /// saw the server's absolute paths.
    @Test func contentIsServedSafely() async throws {
        try await TestApp.run(workers: 0) { client, app in
            var form = MultipartBody()
            form.file(filename: "../../we;ird%name ü.png", try Fixture.bytes("chelsea.png"))
            let accepted = try await client.ingest(form, key: app.adminKey).json()
            let id = try #require((accepted["system_ids"] as? [String])?.first)
            let content = try await client.call(.get, "/api/v1/objects/\(id)/content", key: app.adminKey)
            #expect(content.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            let disposition = try #require(content.headers[.contentDisposition])
            #expect(disposition.hasPrefix("inline; filename=\""))
            #expect(!disposition.contains("..") && !disposition.contains("/") && disposition.contains("we_ird_name"))
            let head = try await client.call(.head, "/api/v1/objects/\(id)/content", key: app.adminKey)
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == content.headers[.contentLength])
            #expect(head.body.readableBytes == 0)
            let notModified = try await client.call(
                .get, "/api/v1/objects/\(id)/content", key: app.adminKey,
                headers: [.ifNoneMatch: try #require(content.headers[.eTag])])
            #expect(notModified.status == .notModified)
            let object = try await client.call(.get, "/api/v1/objects/\(id)", key: app.adminKey).json()
            #expect((object["storage_uri"] as? String)?.hasPrefix("raw/") == true)
        }
    }

    /// 8. Error messages echoed client input whole (a 5 KB field name, a 9 KB Content-Type),
    /// and a 201-character owner was told "owner is required".
    @Test func errorMessagesQuoteOnlyAShortExcerpt() async throws {
        try await TestApp.run(workers: 0) { client, app in
            var form = MultipartBody()
            form.field(String(repeating: "n", count: 5000) + "\u{1B}[31m", "x")
            let field = try await client.ingest(form, key: app.adminKey)
            let message = try #require(((try field.json()["error"]) as? [String: Any])?["message"] as? String)
            #expect(message.count < 160 && !message.contains("\u{1B}"), "\(message)")
            let type = try await client.call(
                .post, "/api/v1/ingest", key: app.adminKey, contentType: "x/" + String(repeating: "y", count: 9000),
                body: ByteBuffer(string: "{}"))
            #expect(type.body.readableBytes < 400)
            var owner = MultipartBody()
            owner.field("owner", String(repeating: "o", count: 201))
            owner.field("payload", "{}")
            let long = try await client.ingest(owner, key: app.adminKey)
            #expect(String(buffer: long.body).contains("longer than 200"))
        }
    }

    /// 8. `Expect: 100-continue` was answered before the key was checked: a bad key uploaded
    /// its whole body before its 401.
    @Test func continueIsSentOnlyToAnAcceptedRequest() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let raw = RawHTTP(port: try #require(client.port))
            func head(_ key: String) -> [UInt8] {
                Array(
                    """
                    POST /api/v1/ingest HTTP/1.1\r
                    Host: x\r
                    Authorization: Bearer \(key)\r
                    Content-Type: application/json\r
                    Content-Length: 2\r
                    Expect: 100-continue\r
                    \r

                    """.utf8)
            }
            let refused = try await raw.send(head("afa_wrong"))
            #expect(refused.status == 401)
            #expect(!refused.statusLine.contains("100"), "\(refused.statusLine)")
            #expect(refused.header("Connection") == "close")

            let channel = try await raw.connect()
            let accepted = try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: head(app.adminKey)))
                var iterator = inbound.makeAsyncIterator()
                let first = try #require(try await iterator.next())
                #expect(String(buffer: first).hasPrefix("HTTP/1.1 100 Continue"))
                try await outbound.write(ByteBuffer(string: "{}"))
                var rest = ByteBuffer()
                while !String(buffer: rest).contains("system_ids"), var chunk = try await iterator.next() {
                    rest.writeBuffer(&chunk)
                }
                return String(buffer: rest)
            }
            #expect(accepted.hasPrefix("HTTP/1.1 202"))
        }
    }

    static func files(under folder: URL) -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appending(path: $0).path, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }
    }
}
