/// CLIP's image tower (ViT): patches → tokens → pre-LN transformer → class token → projection.
///
/// Activations for a batch of B images are one [B·T, D] matrix (T = patches + 1, token 0 of each
/// image is its class token), so each linear layer is a single sgemm with M = B·T.
struct VisionTransformer: Sendable {
    let configuration: CLIPVisionConfiguration
    /// `patch_embedding.weight` [D, 3, P, P] read as a [D, 3·P·P] matrix (a convolution with
    /// kernel = stride = P is a matrix product over flattened patches).
    let patchEmbedding: Linear
    let classEmbedding: Tensor
    let positionEmbedding: Tensor
    let preLayerNorm: LayerNorm
    let layers: [EncoderLayer]
    let postLayerNorm: LayerNorm
    let projection: Linear
    let pool = BufferPool()

    init(_ weights: WeightReader, _ configuration: CLIPVisionConfiguration, projectionSize: Int) throws {
        self.configuration = configuration
        let (width, patch, epsilon) = (
            configuration.encoder.hiddenSize, configuration.patchSize, configuration.encoder.layerNormEpsilon
        )
        let embeddings = "vision_model.embeddings"
        // Stored as the [D, 3, P, P] convolution it is, read as the [D, 3·P·P] matrix.
        patchEmbedding = try weights.linear(
            "\(embeddings).patch_embedding", input: 3 * patch * patch, output: width, bias: false, pack: true,
            storedShape: [width, 3, patch, patch])
        classEmbedding = try weights.tensor("\(embeddings).class_embedding", [width])
        positionEmbedding = try weights.tensor(
            "\(embeddings).position_embedding.weight", [configuration.tokenCount, width])
        preLayerNorm = try weights.layerNorm("vision_model.pre_layrnorm", size: width, epsilon: epsilon)
        layers = try weights.encoderLayers("vision_model.encoder", configuration.encoder)
        postLayerNorm = try weights.layerNorm("vision_model.post_layernorm", size: width, epsilon: epsilon)
        projection = try weights.linear("visual_projection", input: width, output: projectionSize, bias: false)
    }

    /// Unnormalised image features [count, projection] from CHW float pixels [count, 3, S, S].
    func features(pixels: UnsafePointer<Float>, count: Int) -> [Float] {
        let width = configuration.encoder.hiddenSize
        let tokens = configuration.tokenCount
        let layout = SequenceLayout(count: count, length: tokens)
        let x = pool.take(layout.rowCount * width)
        defer { pool.give(x) }

        embed(pixels: pixels, count: count, into: x.pointer)
        preLayerNorm.apply(x.pointer, rows: layout.rowCount, into: x.pointer)
        let scratch = EncoderScratch(layout: layout, configuration: configuration.encoder, pool: pool)
        // Pool: each image's class token, the only row read after the last layer (which therefore
        // runs for those rows alone), then post_layernorm and the projection.
        let pooled = FloatBuffer(count: count * width)
        layers.apply(
            x.pointer, layout: layout, causal: false, scratch: scratch, keeping: layout.starts, into: pooled.pointer,
            width: width)
        postLayerNorm.apply(pooled.pointer, rows: count, into: pooled.pointer)
        var output = [Float](repeating: 0, count: count * projection.outputSize)
        output.withUnsafeMutableBufferPointer { projection.apply(pooled.pointer, rows: count, into: $0.baseAddress!) }
        return output
    }

    /// Writes class token + patch embeddings + positions into x [count·T, D].
    private func embed(pixels: UnsafePointer<Float>, count: Int, into x: UnsafeMutablePointer<Float>) {
        let (width, patch, side) = (configuration.encoder.hiddenSize, configuration.patchSize, configuration.imageSize)
        let perSide = configuration.patchesPerSide
        let patchCount = configuration.patchCount
        let tokens = configuration.tokenCount
        let patchLength = 3 * patch * patch

        // im2col: patches[b·N + py·n + px, c·P·P + ky·P + kx] = pixels[b, c, py·P + ky, px·P + kx]
        let patches = pool.take(count * patchCount * patchLength)
        defer { pool.give(patches) }
        for image in 0..<count {
            let source = pixels + image * 3 * side * side
            for py in 0..<perSide {
                for px in 0..<perSide {
                    var destination = patches.pointer + ((image * patchCount) + py * perSide + px) * patchLength
                    for channel in 0..<3 {
                        for ky in 0..<patch {
                            let row = source + (channel * side + py * patch + ky) * side + px * patch
                            destination.update(from: row, count: patch)
                            destination += patch
                        }
                    }
                }
            }
        }
        // embeddings[B·N, D] = patches[B·N, 3·P·P] · Wᵀ
        let embedded = pool.take(count * patchCount * width)
        defer { pool.give(embedded) }
        patchEmbedding.apply(patches.pointer, rows: count * patchCount, into: embedded.pointer)

        let positions = positionEmbedding.pointer
        for image in 0..<count {
            let tokensOut = x + image * tokens * width
            for j in 0..<width { tokensOut[j] = classEmbedding.pointer[j] + positions[j] }
            for p in 0..<patchCount {
                let out = tokensOut + (p + 1) * width
                let embedding = embedded.pointer + (image * patchCount + p) * width
                let position = positions + (p + 1) * width
                for j in 0..<width { out[j] = embedding[j] + position[j] }
            }
        }
    }
}
