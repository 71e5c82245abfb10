import Foundation
import Testing

@testable import ModelHub

@Suite("Model ids, settings and hub headers")
struct SpecAndSettingsTests {
    @Test("hub ids parse with an optional revision and map to cache folders")
    func hubIDs() throws {
        let plain = try #require(HubModelID("openai/clip-vit-base-patch32"))
        #expect(plain.revision == "main")
        #expect(plain.folderName == "openai--clip-vit-base-patch32")
        let pinned = try #require(HubModelID("openai/clip-vit-base-patch32@3d74acf9a28c67741b2f4f2ea7635f0aaf6f0268"))
        #expect(pinned.folderName == "openai--clip-vit-base-patch32@3d74acf9a28c67741b2f4f2ea7635f0aaf6f0268")
        #expect(HubModelID("../etc") == nil)
        #expect(HubModelID("org/..") == nil)
        #expect(HubModelID("org/name@../x") == nil)
    }

    @Test("resolve URLs follow the hub's layout, with HF_ENDPOINT honoured")
    func resolveURLs() throws {
        let model = try #require(HubModelID("openai/clip-vit-base-patch32"))
        let endpoint = HubEndpoint.fromEnvironment(["HF_ENDPOINT": "https://mirror.example/"])
        #expect(
            endpoint.resolveURL(for: model, file: "config.json").absoluteString
                == "https://mirror.example/openai/clip-vit-base-patch32/resolve/main/config.json")
        #expect(HubEndpoint.fromEnvironment([:]).baseURL.absoluteString == "https://huggingface.co")
    }

    @Test("settings default to the CLIP base model under the data folder's models/")
    func settingsDefaults() {
        let defaults = ModelSettings.fromEnvironment([:], dataRoot: URL(filePath: "/srv/afa"))
        #expect(defaults.model == "openai/clip-vit-base-patch32")
        #expect(defaults.modelDirectory.path == "/srv/afa/models")
        let set = ModelSettings.fromEnvironment(
            ["EMBEDDING_MODEL": "/models/clip", "MODEL_DIR": "/cache"], dataRoot: URL(filePath: "/srv/afa"))
        #expect(set.model == "/models/clip")
        #expect(set.modelDirectory.path == "/cache")
    }

    @Test("integrity comes from X-Linked-Etag on a redirect, and a 40-hex ETag is a git blob id only on content")
    func expectedContentFromHeaders() {
        let sha = String(repeating: "ab", count: 32)
        let redirect = ExpectedContent(
            headers: ["X-Linked-Etag": "\"\(sha)\"", "X-Linked-Size": "42", "ETag": "W/\"x\"", "Content-Length": "9"],
            isDirectContent: false)
        #expect(redirect == ExpectedContent(sha256: sha, size: 42))
        let blob = String(repeating: "c", count: 40)
        let small = ExpectedContent(headers: ["ETag": "\"\(blob)\"", "Content-Length": "9"], isDirectContent: true)
        #expect(small == ExpectedContent(gitBlobSHA1: blob, size: 9))
    }
}

@Suite("File digests")
struct FileDigestTests {
    @Test("a file's git blob id matches git hash-object, and a wrong id is reported as a mismatch")
    func gitBlobID() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
        try Data("hello\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let digest = try FileDigest.of(file)
        #expect(digest.gitBlobSHA1 == "ce013625030ba8dba906f756967f9e9ca394464a")
        #expect(digest.sha256 == "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
        #expect(digest.mismatch(against: ExpectedContent(gitBlobSHA1: digest.gitBlobSHA1, size: 6)) == nil)
        #expect(digest.mismatch(against: ExpectedContent(gitBlobSHA1: String(repeating: "0", count: 40))) != nil)
        #expect(digest.mismatch(against: ExpectedContent(size: 7))?.expected == "7 bytes")
    }
}
