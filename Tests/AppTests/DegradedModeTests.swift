import Foundation
import HummingbirdTesting
import Testing

@testable import TestSupport

/// Without a CLIP model the server is ready and says so; `afa doctor` lists what is there.
@Suite struct DegradedModeTests {
    @Test func readinessReportsTheMissingModelWithWhatToDo() async throws {
        try await TestApp.run(
            configure: { $0.embedding.modelDirectory = URL(filePath: "/nonexistent/models") }
        ) { client, _ in
            let response = try await client.call(.get, "/readyz", key: nil)
            #expect(response.status == .ok, "ready without a model: only the semantic stages wait")
            let body = try response.json()
            #expect(body["status"] as? String == "ready")
            #expect(body["model"] as? String == "missing")
            let hint = try #require(body["model_hint"] as? String)
            #expect(hint.contains("afa doctor") && !hint.contains("/nonexistent"), "what to do, not where files are")
        }
        try await TestApp.run(configure: { $0.embedding.model = TinyModel.folder.path }) { client, _ in
            let body = try await client.call(.get, "/readyz", key: nil).json()
            #expect(body["model"] as? String == "installed", "found, and not loaded before it is needed")
            #expect(body["model_hint"] == nil)
        }
    }

    @Test func doctorListsWhatIsInstalledAndWhatIsMissing() async throws {
        let data = FileManager.default.temporaryDirectory.appending(path: "afa-doctor-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let (status, output) = try await AfaProcess.run(["doctor"], environment: ["AFA_DATA": data.path])
        #expect(status == 0, "a missing model is not a failure: \(output)")
        #expect(output.contains("ok      libvips: "))
        #expect(output.contains("ok        jpeg: decoded"))
        #expect(output.contains("ok      ffmpeg: ffmpeg version"))
        #expect(output.contains("missing CLIP model: no CLIP model"))
        #expect(output.contains("Looked in \(data.path)/models/openai--clip-vit-base-patch32"))
        let (_, withModel) = try await AfaProcess.run(
            ["doctor"], environment: ["AFA_DATA": data.path, "EMBEDDING_MODEL": TinyModel.folder.path])
        #expect(withModel.contains("ok      CLIP model: \(TinyModel.folder.path)"))
    }
}
