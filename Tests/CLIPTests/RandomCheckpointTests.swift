import Foundation
import Testing

@testable import CLIP

/// `afa model random` writes a checkpoint that loads like a Hugging Face one and runs.
@Suite struct RandomCheckpointTests {
    @Test func randomTinyCheckpointLoadsAndEmbeds() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "clip-random-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try RandomCheckpointWriter.write(
            CLIPPreset.tiny.configuration, to: directory, tokenizerDirectory: Fixtures.tiny)

        let model = try CLIPModel.load(from: directory)
        #expect(model.configuration == CLIPPreset.tiny.configuration)
        #expect(model.parameterCount == CLIPPreset.tiny.configuration.parameterCount)
        #expect(model.preprocessing == .openAI)
        let image = try RGBImage(width: 300, height: 200, pixels: (0..<(300 * 200 * 3)).map { UInt8($0 % 251) })
        let embeddings = try model.imageEmbeddings([image]) + model.textEmbeddings(["a photo of a cat"])
        for embedding in embeddings {
            #expect(embedding.count == 32 && embedding.allSatisfy(\.isFinite))
            #expect(abs(embedding.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
    }
}
