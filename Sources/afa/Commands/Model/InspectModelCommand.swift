import ArgumentParser
import CLIP
import Foundation

struct InspectModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show a CLIP checkpoint's architecture, parameter count and dtype.")

    @Argument(help: "A Hugging Face CLIP folder (config.json, model.safetensors, tokenizer files).")
    var directory: String

    func run() async throws {
        let model = try CLIPModel.load(from: URL(fileURLWithPath: directory))
        let configuration = model.configuration
        let vision = configuration.vision
        let text = configuration.text
        func describe(_ encoder: CLIPEncoderConfiguration) -> String {
            "width \(encoder.hiddenSize), \(encoder.layerCount) layers, \(encoder.headCount) heads, "
                + "MLP \(encoder.intermediateSize), \(encoder.activation.rawValue)"
        }
        print("architecture: CLIPModel")
        print("vision:       ViT \(vision.imageSize)px, patch \(vision.patchSize), \(describe(vision.encoder))")
        print(
            "text:         \(describe(text.encoder)), vocabulary \(text.vocabularySize), context \(text.maxPositions)")
        print("projection:   \(configuration.projectionSize)")
        print("parameters:   \(model.parameterCount.formatted())")
        print("dtype:        \(model.storedDTypes.sorted().joined(separator: ", ")) (computed in float32)")
        print("logit scale:  \(model.logitScale)")
        print("")
        for line in CLIPKernelPlan.report() { print(line) }
    }
}
