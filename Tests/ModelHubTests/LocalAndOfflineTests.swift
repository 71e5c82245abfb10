import Foundation
import ModelHub
import Testing

@Suite("Local folders and working offline")
struct LocalAndOfflineTests {
    @Test("with the hub unreachable the error says which files to place where")
    func offlineExplainsHandPlacement() async throws {
        // A port that was just free and is closed again: connections to it are refused.
        let closedPort = try await FakeHub().run { url in url }
        try await withModelDirectory(connectTimeout: .seconds(1)) { directory, client in
            let locator = makeLocator(directory, hub: closedPort, client: client)
            await #expect {
                try await locator.resolve("openai/clip-vit-base-patch32")
            } throws: { error in
                guard case .hubUnreachable = error as? ModelHubError else { return false }
                let message = "\(error)"
                let folder = directory.appendingPathComponent("openai--clip-vit-base-patch32").path
                return message.contains(folder) && message.contains("merges.txt")
                    && message.contains("model.safetensors") && message.contains("EMBEDDING_MODEL")
            }
        }
    }

    @Test("files placed by hand in MODEL_DIR/org--name are used without any network")
    func handPlacedCacheFolder() async throws {
        try await withModelDirectory(connectTimeout: .seconds(1)) { directory, client in
            let folder = directory.appendingPathComponent("openai--clip-vit-base-patch32")
            try FileManager.default.copyItem(at: FakeHub.fixtures, to: folder)
            let resolved = try await makeLocator(directory, hub: URL(string: "http://127.0.0.1:9")!, client: client)
                .resolve("openai/clip-vit-base-patch32")
            #expect(resolved.standardizedFileURL.path == folder.standardizedFileURL.path)
        }
    }

    @Test("a local folder is returned as it is")
    func completeLocalFolder() async throws {
        try await withModelDirectory { directory, client in
            let resolved = try await makeLocator(directory, hub: URL(string: "http://127.0.0.1:9")!, client: client)
                .resolve(FakeHub.fixtures.path)
            #expect(resolved.standardizedFileURL.path == FakeHub.fixtures.standardizedFileURL.path)
        }
    }

    @Test("a local folder without merges.txt is refused, naming the file")
    func localFolderMissingMerges() async throws {
        try await withModelDirectory { directory, client in
            let folder = directory.appendingPathComponent("my-model")
            try FileManager.default.copyItem(at: FakeHub.fixtures, to: folder)
            try FileManager.default.removeItem(at: folder.appendingPathComponent("merges.txt"))
            await #expect {
                try await makeLocator(directory, hub: URL(string: "http://127.0.0.1:9")!, client: client)
                    .resolve(folder.path)
            } throws: { error in
                guard case .missingFiles(_, let files) = error as? ModelHubError else { return false }
                return files == ["merges.txt"] && "\(error)".contains("missing merges.txt")
            }
        }
    }

    @Test(
        "a spec that is neither a folder nor org/name is refused",
        arguments: ["", "clip", "a/b/c", "/no/such/dir", "x/y@"])
    func invalidSpec(_ spec: String) async throws {
        try await withModelDirectory { directory, client in
            await #expect(throws: ModelHubError.invalidSpec(spec)) {
                try await makeLocator(directory, hub: URL(string: "http://127.0.0.1:9")!, client: client).resolve(spec)
            }
        }
    }
}
