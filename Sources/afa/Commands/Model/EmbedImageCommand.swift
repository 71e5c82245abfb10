import ArgumentParser
import CLIP
import Foundation

struct EmbedImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-image", abstract: "Print L2-normalised CLIP image embeddings (binary PPM input).")

    @Argument(help: "A Hugging Face CLIP folder.")
    var directory: String

    @Argument(help: "Binary PPM (P6) images.")
    var files: [String]

    @Flag(help: "Print {\"model\": …, \"embeddings\": [[…], …]}.")
    var json = false

    @Option(help: "Matrix-product arithmetic: float32 or bfloat16.")
    var precision: CLIPPrecision = .float32

    func run() async throws {
        let model = try CLIPModel.load(
            from: URL(fileURLWithPath: directory), options: CLIPLoadOptions(precision: precision))
        let images = try files.map { path in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read \(path)")
            }
            return try RGBImage(ppm: [UInt8](data))
        }
        let embeddings = try model.imageEmbeddings(images)
        printEmbeddingRows(embeddings, labels: files, model: directory, json: json)
    }
}
