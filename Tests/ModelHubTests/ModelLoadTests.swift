import CLIP
import Foundation
import Testing

@Suite("Loading what was downloaded")
struct ModelLoadTests {
    @Test("a downloaded folder loads with the CLIP library and embeds text as the original checkpoint does")
    func downloadedFolderEmbeds() async throws {
        let hub = try FakeHub()
        try await withModelDirectory { directory, client in
            let folder = try await hub.run { url in
                try await makeLocator(directory, hub: url, client: client).resolve("tiny/clip")
            }
            let embeddings = try CLIPModel.load(from: folder).textEmbeddings(["a photo of a cat"])
            let original = try CLIPModel.load(from: FakeHub.fixtures).textEmbeddings(["a photo of a cat"])
            #expect(embeddings.count == 1)
            #expect(!(embeddings.first ?? []).isEmpty)
            #expect(embeddings == original)
        }
    }
}
