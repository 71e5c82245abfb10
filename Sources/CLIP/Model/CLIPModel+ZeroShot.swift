import Foundation

extension CLIPModel {
    /// `logits_per_image[i][j] = exp(logit_scale) · ⟨image_i, text_j⟩` for L2-normalised embeddings.
    public func logits(imageEmbeddings: [[Float]], textEmbeddings: [[Float]]) -> [[Float]] {
        imageEmbeddings.map { image in
            textEmbeddings.map { text in logitScale * zip(image, text).reduce(0) { $0 + $1.0 * $1.1 } }
        }
    }

    /// Zero-shot classification: the probability of each label for one image (softmax over logits).
    public func classify(_ image: RGBImage, labels: [String]) throws -> [(label: String, probability: Float)] {
        let imageEmbedding = try imageEmbeddings([image])
        let scores = logits(imageEmbeddings: imageEmbedding, textEmbeddings: try textEmbeddings(labels))[0]
        return zip(labels, Self.softmax(scores)).map { (label: $0, probability: $1) }
    }

    public static func softmax(_ values: [Float]) -> [Float] {
        guard let maximum = values.max() else { return [] }
        let exponentials = values.map { Float(Foundation.exp(Double($0 - maximum))) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }
}
