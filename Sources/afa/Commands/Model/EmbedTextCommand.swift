import ArgumentParser
import CLIP
import Foundation

struct EmbedTextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-text", abstract: "Print L2-normalised CLIP text embeddings.")

    @Argument(help: "A Hugging Face CLIP folder.")
    var directory: String

    @Argument(help: "Texts to embed, one embedding each.")
    var texts: [String]

    @Flag(help: "Print {\"model\": …, \"embeddings\": [[…], …]}.")
    var json = false

    @Option(help: "Matrix-product arithmetic: float32 or bfloat16.")
    var precision: CLIPPrecision = .float32

    func run() async throws {
        let model = try CLIPModel.load(
            from: URL(fileURLWithPath: directory), options: CLIPLoadOptions(precision: precision))
        let embeddings = try model.textEmbeddings(texts)
        printEmbeddingRows(embeddings, labels: texts, model: directory, json: json)
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
