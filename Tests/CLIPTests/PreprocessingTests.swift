import Foundation
import Testing

@testable import CLIP

/// Resize + crop + normalise must match CLIPImageProcessor (Pillow backend) on the fixture photos.
@Suite struct PreprocessingTests {
    static func decoded(_ entry: [String: Any]) throws -> RGBImage {
        let file = (entry["decoded_rgb"] as! [String: Any])["file"] as! String
        return try RGBImage(
            width: entry["width"] as! Int, height: entry["height"] as! Int, pixels: Fixtures.bytes(file))
    }

    @Test func resizeAndCropMatchPillowByteForByte() throws {
        for entry in Fixtures.realImages {
            let image = try Self.decoded(entry)
            let target = entry["resize_to"] as! [String: Int]
            let size = CLIPImagePreprocessing.resizedSize(width: image.width, height: image.height, shortestEdge: 224)
            #expect(size.width == target["width"] && size.height == target["height"])
            let resized = BicubicResampler.resize(image, width: size.width, height: size.height)
            let offset = entry["crop_offset"] as! [String: Int]
            var crop: [UInt8] = []
            for y in 0..<224 {
                let start = ((y + offset["top"]!) * resized.width + offset["left"]!) * 3
                crop += resized.pixels[start..<(start + 224 * 3)]
            }
            let file = (entry["crop_uint8"] as! [String: Any])["file"] as! String
            let expected = Fixtures.bytes(file)
            let mismatches = zip(crop, expected).filter { $0 != $1 }.count
            #expect(mismatches == 0, "\(file): \(mismatches) bytes differ")
        }
    }

    @Test func pixelValuesMatchTheProcessor() throws {
        for entry in Fixtures.realImages {
            let pixels = Fixtures.tinyModel.pixelValues(for: try Self.decoded(entry))
            let file = (entry["pixel_values_file"] as! [String: Any])["file"] as! String
            #expect(Fixtures.maxAbsDifference(pixels, Fixtures.float32s(file)) <= 1e-6, "\(file)")
        }
    }

    @Test func photoPipelineMatchesGoldenEmbeddings() throws {
        let images = try Fixtures.realImages.map(Self.decoded)
        let embeddings = try Fixtures.tinyModel.imageEmbeddings(images)
        for (entry, embedding) in zip(Fixtures.realImages, embeddings) {
            let cosine = Fixtures.cosine(embedding, Fixtures.floats(entry["features_normalized"]))
            #expect(cosine >= 0.9995, "\(entry["file"]!): cosine \(cosine)")
        }
    }

    @Test func logitsRankTextsLikeTheGolden() throws {
        let logits = Fixtures.golden["logits"] as! [String: Any]
        let expected = (logits["logits_per_image"] as! [[NSNumber]]).map { $0.map(\.floatValue) }
        let model = Fixtures.tinyModel
        let images = try model.imageEmbeddings(Fixtures.realImages.map(Self.decoded))
        let texts = try model.textFeatures(tokenIDs: Fixtures.texts.map { Fixtures.ints($0["input_ids"]) })
            .map(CLIPModel.normalized)
        let actual = model.logits(imageEmbeddings: images, textEmbeddings: texts)
        for (row, golden) in zip(actual, expected) {
            #expect(row.indices.sorted { row[$0] > row[$1] } == golden.indices.sorted { golden[$0] > golden[$1] })
            #expect(Fixtures.maxAbsDifference(row, golden) <= 0.02)
        }
    }

    @Test func syntheticLogitsMatchTheGolden() throws {
        let logits = Fixtures.golden["logits"] as! [String: Any]
        let expected = (logits["synthetic_logits_per_image"] as! [[NSNumber]]).map { $0.map(\.floatValue) }
        let model = Fixtures.tinyModel
        let pixels = Fixtures.syntheticImages.flatMap { Fixtures.synthetic($0["name"] as! String) }
        let images = try model.imageEmbeddings(pixelValues: pixels, count: Fixtures.syntheticImages.count)
        let texts = try model.textFeatures(tokenIDs: Fixtures.texts.map { Fixtures.ints($0["input_ids"]) })
            .map(CLIPModel.normalized)
        for (row, golden) in zip(model.logits(imageEmbeddings: images, textEmbeddings: texts), expected) {
            #expect(Fixtures.maxAbsDifference(row, golden) <= 1e-3)
        }
    }

    @Test func bothPreprocessorConfigFormsParseAlike() throws {
        let legacy = try CLIPImagePreprocessing(
            contentsOf: Fixtures.tiny.appendingPathComponent("preprocessor_config.json"))
        let explicit = try CLIPImagePreprocessing(
            contentsOf: Fixtures.tinyFP16.appendingPathComponent("preprocessor_config.json"))
        for parsed in [legacy, explicit] {
            #expect(parsed.resizeShortestEdge == 224)
            #expect(parsed.crop?.width == 224 && parsed.crop?.height == 224)
            #expect(parsed.rescaleFactor == 1.0 / 255.0)
            #expect(
                parsed.mean == CLIPImagePreprocessing.openAI.mean && parsed.std == CLIPImagePreprocessing.openAI.std)
        }
    }

    @Test func ppmRoundTrip() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 250, 251, 252])
        #expect(try RGBImage(ppm: Array("P6 # comment\n2 1\n255\n".utf8) + image.pixels) == image)
        #expect(try RGBImage(ppm: image.ppm) == image)
        #expect(throws: CLIPError.self) { try RGBImage(ppm: Array("P6\n2 1\n255\n".utf8) + [1, 2, 3]) }
    }
}
