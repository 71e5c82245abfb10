import Foundation

/// A loaded CLIP checkpoint: text and image encoders sharing one embedding space.
///
/// Weights are immutable and every call takes its own activation buffers (from a pool), so one
/// instance serves any number of concurrent callers. Calls block while they compute (BLAS and
/// oneDNN on the engine's worker threads); run them off event loops.
public final class CLIPModel: Sendable {
    public let configuration: CLIPConfiguration
    public let preprocessing: CLIPImagePreprocessing
    /// `exp(logit_scale)` as stored (no clamp), the temperature of `logits`.
    public let logitScale: Float
    /// The dtypes stored in `model.safetensors` (widened to float32 at load, or packed in `precision`).
    public let storedDTypes: Set<String>
    /// Number of scalar parameters in the checkpoint.
    public let parameterCount: Int
    /// The arithmetic the image tower's matrix products actually use.
    public let precision: CLIPPrecision
    /// The text tower's, which differs where a precision is faster for images than for queries.
    public let textPrecision: CLIPPrecision

    let tokenizer: CLIPTokenizer
    let vision: VisionTransformer
    let text: TextTransformer

    /// Images per forward pass: large enough for BLAS to run at full speed, small enough to bound memory.
    public static let maxBatchSize = 16
    /// Texts per forward pass (their tokens are stacked row-wise).
    public static let maxTextBatchSize = 64

    init(
        configuration: CLIPConfiguration, preprocessing: CLIPImagePreprocessing, tokenizer: CLIPTokenizer,
        vision: VisionTransformer, text: TextTransformer, logitScale: Float, storedDTypes: Set<String>,
        parameterCount: Int, precision: CLIPPrecision, textPrecision: CLIPPrecision
    ) {
        self.precision = precision
        self.textPrecision = textPrecision
        self.configuration = configuration
        self.preprocessing = preprocessing
        self.tokenizer = tokenizer
        self.vision = vision
        self.text = text
        self.logitScale = logitScale
        self.storedDTypes = storedDTypes
        self.parameterCount = parameterCount
    }

    // MARK: Text

    /// Token ids as the model sees them: BOS, BPE ids, EOS, truncated to the context length.
    public func tokenize(_ text: String) -> [Int32] {
        tokenizer.encode(text, contextLength: configuration.text.maxPositions)
    }

    /// Unnormalised projected text features (`get_text_features`), one per token sequence.
    public func textFeatures(tokenIDs: [[Int32]]) throws -> [[Float]] {
        var features: [[Float]] = []
        features.reserveCapacity(tokenIDs.count)
        for first in stride(from: 0, to: tokenIDs.count, by: Self.maxTextBatchSize) {
            let batch = Array(tokenIDs[first..<min(first + Self.maxTextBatchSize, tokenIDs.count)])
            features += rows(try text.features(tokenIDs: batch), width: configuration.projectionSize)
            try Task.checkCancellation()
        }
        return features
    }

    public func textFeatures(_ texts: [String]) throws -> [[Float]] {
        try textFeatures(tokenIDs: texts.map(tokenize))
    }

    /// L2-normalised text embeddings, one per text, in order.
    public func textEmbeddings(_ texts: [String]) throws -> [[Float]] {
        try textFeatures(texts).map(Self.normalized)
    }

    // MARK: Images

    /// Preprocessed model input for one image: CHW float32.
    public func pixelValues(for image: RGBImage) -> [Float] {
        preprocessing.pixelValues(for: image)
    }

    /// Unnormalised projected image features from preprocessed CHW pixels, `count` images back to back.
    public func imageFeatures(pixelValues: [Float], count: Int) throws -> [[Float]] {
        let side = configuration.vision.imageSize
        let perImage = 3 * side * side
        guard count >= 0, pixelValues.count == count * perImage else {
            throw CLIPError.invalidInput(
                "\(count) images of 3x\(side)x\(side) need \(count * perImage) floats, got \(pixelValues.count)")
        }
        var features: [[Float]] = []
        features.reserveCapacity(count)
        try pixelValues.withUnsafeBufferPointer { pixels in
            guard let base = pixels.baseAddress else { return }
            for first in stride(from: 0, to: count, by: Self.maxBatchSize) {
                let batch = min(Self.maxBatchSize, count - first)
                let flat = vision.features(pixels: base + first * perImage, count: batch)
                try Task.checkCancellation()
                features += rows(flat, width: configuration.projectionSize)
            }
        }
        return features
    }

    public func imageFeatures(_ images: [RGBImage]) throws -> [[Float]] {
        var features: [[Float]] = []
        for first in stride(from: 0, to: images.count, by: Self.maxBatchSize) {
            let batch = images[first..<min(first + Self.maxBatchSize, images.count)]
            let pixels = batch.flatMap(pixelValues(for:))
            features += try imageFeatures(pixelValues: pixels, count: batch.count)
        }
        return features
    }

    /// L2-normalised image embeddings, one per image, in order.
    public func imageEmbeddings(_ images: [RGBImage]) throws -> [[Float]] {
        try imageFeatures(images).map(Self.normalized)
    }

    public func imageEmbeddings(pixelValues: [Float], count: Int) throws -> [[Float]] {
        try imageFeatures(pixelValues: pixelValues, count: count).map(Self.normalized)
    }

    // MARK: Helpers

    /// `v / ‖v‖` (a zero vector stays zero).
    public static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    private func rows(_ flat: [Float], width: Int) -> [[Float]] {
        stride(from: 0, to: flat.count, by: width).map { Array(flat[$0..<($0 + width)]) }
    }
}
