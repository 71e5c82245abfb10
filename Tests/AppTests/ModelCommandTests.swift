import Foundation
import Testing

@testable import TestSupport

/// `afa model …` as a user runs it, on the tiny fixture checkpoint.
@Suite struct ModelCommandTests {
    let tiny = TestCluster.repositoryRoot.appending(path: "Tests/CLIPTests/Fixtures/tiny").path

    func embeddings(_ output: String) throws -> [[Double]] {
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        return try #require(json?["embeddings"] as? [[Double]])
    }

    @Test func embedTextPrintsOneNormalisedRowPerText() async throws {
        let (code, output) = try await AfaProcess.run(
            ["model", "embed-text", tiny, "a photo of a cat", "a dog on a beach", "--json"], environment: [:])
        #expect(code == 0, "\(output)")
        let rows = try embeddings(output)
        #expect(rows.count == 2)
        for row in rows {
            #expect(row.count == 32)
            #expect(abs(row.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
        #expect(rows[0] != rows[1])
        #expect(output.contains(#""model": "\#(tiny)""#))
    }

    @Test func embedImageReadsPPMAndRefusesGarbage() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "afa-ppm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let width = 40
        let height = 30
        let pixels = (0..<(width * height * 3)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let image = folder.appending(path: "gradient.ppm")
        try Data(Array("P6\n\(width) \(height)\n255\n".utf8) + pixels).write(to: image)
        let (code, output) = try await AfaProcess.run(
            ["model", "embed-image", tiny, image.path, "--json"], environment: [:])
        #expect(code == 0, "\(output)")
        #expect(try embeddings(output).map(\.count) == [32])

        let garbage = folder.appending(path: "not-an-image.ppm")
        try Data("hello".utf8).write(to: garbage)
        let (failed, message) = try await AfaProcess.run(
            ["model", "embed-image", tiny, garbage.path], environment: [:])
        #expect(failed != 0)
        #expect(message.contains("Error"))
    }

    @Test func aRandomCheckpointCanBeWrittenAndInspected() async throws {
        let output = FileManager.default.temporaryDirectory.appending(path: "afa-random-\(UUID().uuidString)").path
        let (written, log) = try await AfaProcess.run(
            ["model", "random", "--like", "tiny", output, "--tokenizer", tiny], environment: [:])
        #expect(written == 0, "\(log)")
        let (code, inspection) = try await AfaProcess.run(["model", "inspect", output], environment: [:])
        #expect(code == 0, "\(inspection)")
        #expect(inspection.contains("architecture: CLIPModel"))
        #expect(inspection.contains("patch 32"))
    }
}
