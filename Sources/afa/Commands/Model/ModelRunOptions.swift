import ArgumentParser
import CLIP
import Foundation

/// The checkpoint folder and output options shared by the commands that run a model.
struct ModelRunOptions: ParsableArguments {
    @Argument(help: "A Hugging Face CLIP folder.")
    var directory: String

    @Flag(help: "Print {\"model\": …, \"embeddings\": [[…], …]}.")
    var json = false

    @Option(help: "Matrix-product arithmetic: float32, bfloat16 or int8 (the last two need oneDNN).")
    var precision: CLIPPrecision = .float32

    func load() throws -> CLIPModel {
        try CLIPModel.load(from: URL(fileURLWithPath: directory), options: CLIPLoadOptions(precision: precision))
    }
}
