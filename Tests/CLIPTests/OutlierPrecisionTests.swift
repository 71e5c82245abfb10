import Foundation
import Testing

@testable import CLIP

/// Reduced precision on a full-size random ViT-B/32 whose LayerNorms have six outlier channels
/// scaled 30-100x, as trained checkpoints have them (`OutlierChannels`): naive per-row int8 falls
/// to cosine 0.91-0.97 there. int8 and bfloat16 must stay within cosine 0.995 of float32 on the
/// fixture photos and on text, at whatever tier the kernels run (`make test` runs this suite at
/// the host's tier and at AVX2).
@Suite struct OutlierPrecisionTests {
    static let texts = ["a photo of a cat", "an astronaut on the moon", "a cup of coffee", "a rocket launch"]

    /// One test, so the 600 MB checkpoint is written once and removed when it is done.
    @Test func reducedPrecisionStaysCloseToFloat32() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("afa-outliers-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try RandomCheckpointWriter.write(
            CLIPPreset.vitB32.configuration, to: folder, tokenizerDirectory: Fixtures.tiny, seed: 7,
            outliers: OutlierChannels(count: 6))
        try checkTheOutliersAreFound(folder)

        let images = try Fixtures.realImages.map(PreprocessingTests.decoded)
        let float32 = try CLIPModel.load(from: folder)
        let (referenceImages, referenceTexts) = (
            try float32.imageEmbeddings(images), try float32.textEmbeddings(Self.texts)
        )
        // The simulation bites: without the outlier columns in float32, int8 falls well below.
        var naive = CLIPLoadOptions(precision: .int8)
        naive.splitsOutliers = false
        let naiveCosines = try CLIPModel.load(from: folder, options: naive).imageEmbeddings(images).enumerated().map {
            Fixtures.cosine($1, referenceImages[$0])
        }
        #expect(naiveCosines.min()! < 0.99, "naive int8: \(naiveCosines)")

        for precision in [CLIPPrecision.int8, .bfloat16] {
            let model = try CLIPModel.load(from: folder, options: CLIPLoadOptions(precision: precision))
            let runs = "\(precision) at \(CPUPath.effective) (runs as \(model.precision), text \(model.textPrecision))"
            for (index, embedding) in try model.imageEmbeddings(images).enumerated() {
                let cosine = Fixtures.cosine(embedding, referenceImages[index])
                #expect(cosine >= 0.995, "\(runs), photo \(index): cosine \(cosine)")
            }
            for (index, embedding) in try model.textEmbeddings(Self.texts).enumerated() {
                let cosine = Fixtures.cosine(embedding, referenceTexts[index])
                #expect(cosine >= 0.995, "\(runs), '\(Self.texts[index])': cosine \(cosine)")
            }
        }
    }

    /// The channels the int8 products split off are the simulated ones, in every layer, and a
    /// LayerNorm without outliers (the tiny fixture's) splits nothing off.
    private func checkTheOutliersAreFound(_ folder: URL) throws {
        let file = try SafeTensorsFile(url: folder.appendingPathComponent("model.safetensors"))
        let layers = try WeightReader(file: file).encoderLayers(
            "vision_model.encoder", CLIPPreset.vitB32.configuration.vision.encoder)
        let expected = OutlierChannels(count: 6).channels(width: 768).map(\.channel).sorted()
        for layer in layers {
            #expect(OutlierColumns(after: layer.layerNorm1)?.columns == expected)
            #expect(OutlierColumns(after: layer.layerNorm2)?.columns == expected)
        }
        #expect(OutlierColumns(after: Fixtures.tinyModel.vision.layers[0].layerNorm1) == nil)
    }
}
