import Catalog
import Foundation
import NIOCore
import Testing

@testable import TestSupport

/// `afa audit verify --blobs` and `afa keys list|revoke`, as an operator runs them.
@Suite struct AuditAndKeysCommandTests {
    @Test func theBlobAuditNamesAChangedBlobAndKeysCanBeRevoked() async throws {
        try await withCatalog { catalog, database in
            let data = FileManager.default.temporaryDirectory.appending(path: "afa-audit-\(UUID().uuidString)")
            let port = try freePort()
            let environment = [
                "AFA_DATA": data.path, "PORT": "\(port)", "DATABASE_URL": database.url, "WORKER_THREADS": "0",
            ]
            let server = try AfaProcess(["serve"], environment: environment, name: "audit")
            let http = HTTPDriver(base: "http://127.0.0.1:\(port)")
            try await http.waitUntilHealthy(server)
            let (key, principal) = try await catalog.apiKeys.create(role: .user, owner: "erin")
            var form = MultipartBody()
            form.file(filename: "chelsea.png", try Fixture.bytes("chelsea.png"))
            form.field("payload", #"{"audit":true}"#)
            let accepted = try await http.json(
                .POST, "/api/v1/ingest", key: key, contentType: form.contentType, body: form.finished())
            let ids = try #require(accepted["system_ids"] as? [String])
            #expect(try await server.stop() == 0)

            let (intactStatus, intactOutput) = try await AfaProcess.run(
                ["audit", "verify", "--blobs"], environment: environment)
            #expect(intactStatus == 0, "\(intactOutput)")
            #expect(intactOutput.contains("blobs intact: 2 blobs"))

            let imageID = try #require(UUID(uuidString: ids[0]))
            let image = try #require(try await catalog.assets.find(imageID))
            let path = data.appending(path: "blobs").appending(path: image.storageKey)
            var bytes = try Data(contentsOf: path)
            bytes[100] ^= 0x01
            try bytes.write(to: path)
            let (status, output) = try await AfaProcess.run(["audit", "verify", "--blobs"], environment: environment)
            #expect(status == 2)
            #expect(output.contains("BLOB: asset \(ids[0])"), "\(output)")
            #expect(output.contains("1 of 2 blobs missing or changed"))

            let keyID = principal.keyID.uuidString.lowercased()
            #expect(try await AfaProcess.run(["keys", "list"], environment: environment).1.contains(keyID))
            let (revoked, revokeOutput) = try await AfaProcess.run(["keys", "revoke", keyID], environment: environment)
            #expect(revoked == 0 && revokeOutput.contains("revoked \(keyID)"))
            #expect(try await catalog.apiKeys.authenticate(key) == nil)
            #expect(try await AfaProcess.run(["keys", "revoke", keyID], environment: environment).0 == 1)
        }
    }
}
