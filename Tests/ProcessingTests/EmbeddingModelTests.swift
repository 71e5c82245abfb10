import CLIP
import Foundation
import Jobs
import Testing

@testable import Processing

struct EmbeddingModelTests {
    static let tiny = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "CLIPTests/Fixtures/tiny", directoryHint: .isDirectory)

    @Test func theModelLoadsOnFirstUseAndIsLetGoWhenIdle() async throws {
        let compute = ComputePool(threads: 1)
        let model = EmbeddingModel.locate(
            spec: Self.tiny.path, modelDirectory: URL(filePath: "/nonexistent"), precision: .float32,
            idleUnload: .milliseconds(300), compute: compute)
        #expect(model.isReady && !model.isLoaded, "found at start-up, not loaded")
        let embedding = try await model.run { try $0.textEmbeddings(["a photo of a cat"]) }
        #expect(embedding.first?.count == 32)
        #expect(model.isLoaded)
        let deadline = ContinuousClock.now + .seconds(30)
        while model.isLoaded && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!model.isLoaded, "let go after its idle period")
        // And loaded again on the next use.
        _ = try await model.run { try $0.textEmbeddings(["a dog"]) }
        #expect(model.isLoaded)
        try await compute.shutdown()
    }

    @Test func aMissingModelSaysWhatToDo() async throws {
        let compute = ComputePool(threads: 1)
        let model = EmbeddingModel.locate(
            spec: "openai/clip-vit-base-patch32", modelDirectory: URL(filePath: "/nonexistent/models"),
            precision: .float32, idleUnload: .seconds(1), compute: compute)
        #expect(!model.isReady)
        #expect(model.version == "none")
        let reason = try #require(model.missingReason)
        #expect(reason.contains("afa model fetch openai/clip-vit-base-patch32"))
        #expect(!reason.contains("/nonexistent"), "clients see the reason: no server paths in it")
        guard case .missing(_, let folder, let files) = model.availability else { return }
        #expect(folder?.path == "/nonexistent/models/openai--clip-vit-base-patch32")
        #expect(files.contains("model.safetensors"))
        await #expect(throws: (any Error).self) { try await model.run { _ in 1 } }
        try await compute.shutdown()
    }
}
