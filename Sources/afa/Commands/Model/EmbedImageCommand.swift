import ArgumentParser
import CLIP
import Foundation

struct EmbedImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-image", abstract: "Print L2-normalised CLIP image embeddings (binary PPM input).")

    @OptionGroup var model: ModelRunOptions

    @Argument(help: "Binary PPM (P6) images.")
    var files: [String]

    func run() async throws {
        let clip = try model.load()
        let images = try files.map { path in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read \(path)")
            }
            return try RGBImage(ppm: [UInt8](data))
        }
        let embeddings = try clip.imageEmbeddings(images)
        printEmbeddingRows(embeddings, labels: files, model: model.directory, json: model.json)
    }
}
