import ArgumentParser
import CLIP
import Foundation

struct EmbedTextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-text", abstract: "Print L2-normalised CLIP text embeddings.")

    @OptionGroup var model: ModelRunOptions

    @Argument(help: "Texts to embed, one embedding each.")
    var texts: [String]

    func run() async throws {
        let clip = try model.load()
        let embeddings = try clip.textEmbeddings(texts)
        printEmbeddingRows(embeddings, labels: texts, model: model.directory, json: model.json)
    }
}

/// One row per input, in order: JSON for machines, a short preview for people.
func printEmbeddingRows(_ embeddings: [[Float]], labels: [String], model: String, json: Bool) {
    if json {
        let rows = embeddings.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let modelName = String(decoding: (try? encoder.encode(model)) ?? Data("\"\"".utf8), as: UTF8.self)
        print("{\"model\": \(modelName), \"embeddings\": [" + rows.joined(separator: ", ") + "]}")
    } else {
        for (label, embedding) in zip(labels, embeddings) {
            let preview = embedding.prefix(4).map { String(format: "%+.4f", $0) }.joined(separator: " ")
            print("\(label): [\(preview) …] (\(embedding.count) dims)")
        }
    }
}
