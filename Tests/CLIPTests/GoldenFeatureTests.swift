import Foundation
import Testing

@testable import CLIP

/// The tiny checkpoint must reproduce transformers' outputs (tiny/golden.json) from identical inputs.
@Suite struct GoldenFeatureTests {
    @Test(arguments: [false, true])
    func textFeaturesFromTokenIDs(fp16: Bool) throws {
        let model = fp16 ? Fixtures.tinyFP16Model : Fixtures.tinyModel
        let cases = Fixtures.texts
        let ids = cases.map { Fixtures.ints($0["input_ids"]) }
        let features = try model.textFeatures(tokenIDs: ids)
        for (index, entry) in cases.enumerated() {
            let expected = Fixtures.floats(entry[fp16 ? "fp16_checkpoint_features" : "features"])
            let difference = Fixtures.maxAbsDifference(features[index], expected)
            #expect(difference <= 1e-4, "text '\(entry["text"]!)': max abs difference \(difference)")
            #expect(model.text.poolingIndex(ids[index]) == (entry["eos_index"] as! Int))
        }
    }

    @Test func textFeaturesOneAtATimeMatchBatched() throws {
        let ids = Fixtures.texts.map { Fixtures.ints($0["input_ids"]) }
        let batched = try Fixtures.tinyModel.textFeatures(tokenIDs: ids)
        for (index, sequence) in ids.enumerated() {
            let single = try Fixtures.tinyModel.textFeatures(tokenIDs: [sequence])[0]
            #expect(Fixtures.maxAbsDifference(single, batched[index]) <= 1e-5)
        }
    }

    @Test func paddingAfterEndOfTextIsIgnored() throws {
        let ids = Fixtures.ints(Fixtures.texts[0]["input_ids"])
        let padded = ids + Array(repeating: 49407, count: 77 - ids.count)
        let features = try Fixtures.tinyModel.textFeatures(tokenIDs: [ids, padded])
        #expect(features[0] == features[1])
    }

    @Test func textEmbeddingsFromStrings() throws {
        let cases = Fixtures.texts
        let embeddings = try Fixtures.tinyModel.textEmbeddings(cases.map { $0["text"] as! String })
        for (index, entry) in cases.enumerated() {
            let expected = Fixtures.floats(entry["features_normalized"])
            #expect(Fixtures.maxAbsDifference(embeddings[index], expected) <= 1e-5, "text '\(entry["text"]!)'")
        }
    }

    @Test(arguments: [false, true])
    func syntheticImageFeatures(fp16: Bool) throws {
        let model = fp16 ? Fixtures.tinyFP16Model : Fixtures.tinyModel
        let cases = Fixtures.syntheticImages
        let pixels = cases.flatMap { Fixtures.synthetic($0["name"] as! String) }
        let features = try model.imageFeatures(pixelValues: pixels, count: cases.count)
        for (index, entry) in cases.enumerated() {
            let expected = Fixtures.floats(entry[fp16 ? "fp16_checkpoint_features" : "features"])
            let difference = Fixtures.maxAbsDifference(features[index], expected)
            #expect(difference <= 1e-4, "\(entry["name"]!): max abs difference \(difference)")
        }
    }

    @Test func syntheticRecipesMatchTheirCheckValues() {
        for entry in Fixtures.syntheticImages {
            let pixels = Fixtures.synthetic(entry["name"] as! String)
            for check in entry["check_values"] as! [[String: NSNumber]] {
                let index = check["c"]!.intValue * 50176 + check["y"]!.intValue * 224 + check["x"]!.intValue
                #expect(pixels[index] == check["value"]!.floatValue)
            }
        }
    }

    @Test(arguments: [false, true])
    func preprocessedPhotoFeatures(fp16: Bool) throws {
        let model = fp16 ? Fixtures.tinyFP16Model : Fixtures.tinyModel
        for entry in Fixtures.realImages {
            let file = (entry["pixel_values_file"] as! [String: Any])["file"] as! String
            let features = try model.imageFeatures(pixelValues: Fixtures.float32s(file), count: 1)[0]
            let expected = Fixtures.floats(entry[fp16 ? "fp16_checkpoint_features" : "features"])
            let difference = Fixtures.maxAbsDifference(features, expected)
            #expect(difference <= 1e-4, "\(file): max abs difference \(difference)")
        }
    }

    @Test func logitScaleIsExpOfStoredValue() {
        #expect(abs(Fixtures.tinyModel.logitScale - 14.284855842590332) <= 1e-5)
        #expect(abs(Fixtures.tinyFP16Model.logitScale - 14.29852294921875) <= 1e-5)
    }
}
