import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import TestSupport

@Suite struct AuthTests {
    @Test func aMissingOrWrongKeyIsUnauthorized() async throws {
        try await TestApp.run(workers: 0) { client, _ in
            let missing = try await client.call(.get, "/api/v1/objects", key: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.errorCode == "unauthorized")
            let wrong = try await client.call(.get, "/api/v1/objects", key: "afa_not-a-real-key")
            #expect(wrong.status == .unauthorized)
            let ingest = try await client.call(
                .post, "/api/v1/ingest", key: "wrong", contentType: "application/json", body: ByteBuffer(string: "{}"))
            #expect(ingest.status == .unauthorized)
        }
    }

    @Test func aUserKeySeesOnlyItsOwnersObjectsAndAnAdminSeesAll() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let alice = try await app.userKey(owner: "alice")
            let bob = try await app.userKey(owner: "bob")
            let created = try await client.call(
                .post, "/api/v1/ingest", key: alice, contentType: "application/json",
                body: ByteBuffer(string: #"{"a":1}"#))
            let id = try #require((try created.json()["system_ids"] as? [String])?.first)
            let jobID = try #require(try created.json()["job_id"] as? String)

            #expect(try await client.call(.get, "/api/v1/objects/\(id)", key: alice).status == .ok)
            let foreign = try await client.call(.get, "/api/v1/objects/\(id)", key: bob)
            #expect(foreign.status == .notFound)
            #expect(try await client.call(.get, "/api/v1/objects/\(id)/content", key: bob).status == .notFound)
            #expect(try await client.call(.get, "/api/v1/ingest/\(jobID)/status", key: bob).status == .notFound)
            let bobsList = try await client.call(.get, "/api/v1/objects", key: bob).json()
            #expect((bobsList["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.call(.get, "/api/v1/objects?owner=alice", key: bob).status == .forbidden)

            #expect(try await client.call(.get, "/api/v1/objects/\(id)", key: app.adminKey).status == .ok)
            let adminList = try await client.call(.get, "/api/v1/objects?owner=alice", key: app.adminKey).json()
            #expect((adminList["items"] as? [Any])?.count == 1)
        }
    }

    @Test func onlyAnAdminMaySetAnotherOwner() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let alice = try await app.userKey(owner: "alice")
            var form = MultipartBody()
            form.field("owner", "mallory")
            form.field("payload", #"{"x":1}"#)
            let response = try await client.ingest(form, key: alice)
            #expect(response.status == .forbidden)
            var own = MultipartBody()
            own.field("owner", "alice")
            own.field("payload", #"{"x":1}"#)
            #expect(try await client.ingest(own, key: alice).status == .accepted)
        }
    }

    @Test func aUserKeyCannotCallAdminRoutesAndAnAdminCan() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let user = try await app.userKey(owner: "alice")
            let newKey = ByteBuffer(string: #"{"role":"user","owner":"dave"}"#)
            for (method, uri, body) in [
                (HTTPRequest.Method.post, "/api/v1/admin/keys", newKey), (.get, "/api/v1/admin/jobs", nil),
                (.get, "/api/v1/admin/audit/verify", nil), (.post, "/api/v1/admin/jobs/1/retry", nil),
            ] {
                let denied = try await client.call(method, uri, key: user, contentType: "application/json", body: body)
                #expect(denied.status == .forbidden, "\(uri)")
                #expect(denied.errorCode == "forbidden")
            }
            let created = try await client.call(
                .post, "/api/v1/admin/keys", key: app.adminKey, contentType: "application/json", body: newKey)
            #expect(created.status == .created)
            let daveKey = try #require(try created.json()["key"] as? String)
            #expect(try await client.call(.get, "/api/v1/objects", key: daveKey).status == .ok)
            #expect(try await client.call(.get, "/api/v1/admin/jobs?state=dead", key: app.adminKey).status == .ok)
            let audit = try await client.call(.get, "/api/v1/admin/audit/verify", key: app.adminKey)
            #expect(audit.status == .ok)
            #expect(try audit.json()["intact"] as? Bool == true)
        }
    }

    @Test func healthReadinessAndMetricsAnswerWithoutAKey() async throws {
        try await TestApp.run(workers: 0) { client, _ in
            #expect(try await client.call(.get, "/healthz", key: nil).status == .ok)
            let ready = try await client.call(.get, "/readyz", key: nil)
            #expect(ready.status == .ok)
            let metrics = try await client.call(.get, "/metrics", key: nil)
            #expect(metrics.status == .ok)
            #expect(String(buffer: metrics.body).contains("afa_jobs"))
        }
    }
}
