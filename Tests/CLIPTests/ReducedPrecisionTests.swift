import Foundation
import Testing

@testable import CLIP

/// Reduced-precision products stay close to float32: cosine ≥ 0.995 to the float32 goldens on the
/// fixture photos (decoded → preprocessed → embedded) and texts.
@Suite struct ReducedPrecisionTests {
    @Test(arguments: [CLIPPrecision.bfloat16, .int8])
    func embeddingsMatchFloat32(precision: CLIPPrecision) throws {
        let model = try CLIPModel.load(from: Fixtures.tiny, options: CLIPLoadOptions(precision: precision))
        let images = try Fixtures.realImages.map(PreprocessingTests.decoded)
        for (entry, embedding) in zip(Fixtures.realImages, try model.imageEmbeddings(images)) {
            let cosine = Fixtures.cosine(embedding, Fixtures.floats(entry["features_normalized"]))
            #expect(cosine >= 0.995, "\(precision) \(entry["file"]!): cosine \(cosine)")
        }
        let ids = Fixtures.texts.map { Fixtures.ints($0["input_ids"]) }
        for (entry, features) in zip(Fixtures.texts, try model.textFeatures(tokenIDs: ids)) {
            let cosine = Fixtures.cosine(features, Fixtures.floats(entry["features"]))
            #expect(cosine >= 0.995, "\(precision) '\(entry["text"]!)': cosine \(cosine)")
        }
    }

    @Test func int8ResultsDoNotDependOnTheBatch() throws {
        let model = try CLIPModel.load(from: Fixtures.tiny, options: CLIPLoadOptions(precision: .int8))
        let pixels = Fixtures.syntheticImages.map { Fixtures.synthetic($0["name"] as! String) }
        let batched = try model.imageFeatures(pixelValues: pixels.flatMap { $0 }, count: pixels.count)
        for (index, single) in pixels.enumerated() {
            #expect(try model.imageFeatures(pixelValues: single, count: 1)[0] == batched[index])
        }
    }

    @Test func openBLASOnlyMatchesGoldens() throws {
        let model = try CLIPModel.load(from: Fixtures.tiny, options: CLIPLoadOptions(packsWeights: false))
        #expect(model.precision == .float32)
        for entry in Fixtures.realImages {
            let file = (entry["pixel_values_file"] as! [String: Any])["file"] as! String
            let features = try model.imageFeatures(pixelValues: Fixtures.float32s(file), count: 1)[0]
            #expect(Fixtures.maxAbsDifference(features, Fixtures.floats(entry["features"])) <= 1e-4)
        }
    }
}
