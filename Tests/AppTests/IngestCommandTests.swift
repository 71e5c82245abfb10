import Catalog
import Foundation
import Testing

@testable import TestSupport

/// `afa ingest DIR --wait` walks a folder (skipping hidden files), uploads and waits.
@Suite struct IngestCommandTests {
    @Test func theClientUploadsAFolderAndWaitsForProcessing() async throws {
        try await withCatalog { catalog, database in
            let folder = FileManager.default.temporaryDirectory.appending(path: "afa-upload-\(UUID().uuidString)")
            try FileManager.default.createDirectory(
                at: folder.appending(path: "nested"), withIntermediateDirectories: true)
            try Data(try Fixture.bytes("rocket.jpg")).write(to: folder.appending(path: "rocket.jpg"))
            try Data(try Fixture.bytes("chelsea.png")).write(to: folder.appending(path: "nested/cat.png"))
            try Data(#"{"from":"the cli"}"#.utf8).write(to: folder.appending(path: "nested/doc.json"))
            try Data("secret".utf8).write(to: folder.appending(path: ".hidden"))

            let port = try freePort()
            let environment = [
                "AFA_DATA": FileManager.default.temporaryDirectory.appending(path: "afa-cli-\(UUID().uuidString)").path,
                "PORT": "\(port)", "DATABASE_URL": database.url,
            ]
            let server = try AfaProcess(["serve"], environment: environment, name: "cli-serve")
            try await HTTPDriver(base: "http://127.0.0.1:\(port)").waitUntilHealthy(server)
            let key = try await catalog.apiKeys.create(role: .user, owner: "cli").key
            let (code, output) = try await AfaProcess.run(
                ["ingest", folder.path, "--wait", "--server", "http://127.0.0.1:\(port)", "--key", key],
                environment: [:])
            #expect(code == 0, "\(output)")
            #expect(output.contains("uploaded ["))
            #expect(output.contains("processed: 3 done, 0 failed"))
            #expect(!output.contains(".hidden"))
            let assets = try await catalog.assets.list(owner: "cli", kind: nil, after: nil, limit: 10)
            #expect(assets.count == 3)
            #expect(assets.allSatisfy { $0.status == .ready })
            #expect(Set(assets.map(\.kind)) == [.image, .json])
            #expect(try await server.stop() == 0)
        }
    }
}
