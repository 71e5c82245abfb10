/// CLIP's text tower: token + position embeddings → causal pre-LN transformer → the hidden state
/// at the first end-of-text token → final_layer_norm → projection.
///
/// Attention is causal, so positions after the pooled end-of-text token cannot change it: each
/// sequence is cut right after that token, and several texts are stacked row-wise like images.
struct TextTransformer: Sendable {
    let configuration: CLIPTextConfiguration
    let tokenEmbedding: Tensor
    let positionEmbedding: Tensor
    let layers: [EncoderLayer]
    let finalLayerNorm: LayerNorm
    let projection: Linear
    let pool = BufferPool()

    init(_ weights: WeightReader, _ configuration: CLIPTextConfiguration, projectionSize: Int) throws {
        self.configuration = configuration
        let (width, epsilon) = (configuration.encoder.hiddenSize, configuration.encoder.layerNormEpsilon)
        tokenEmbedding = try weights.tensor(
            "text_model.embeddings.token_embedding.weight", [configuration.vocabularySize, width])
        positionEmbedding = try weights.tensor(
            "text_model.embeddings.position_embedding.weight", [configuration.maxPositions, width])
        layers = try weights.encoderLayers("text_model.encoder", configuration.encoder)
        finalLayerNorm = try weights.layerNorm("text_model.final_layer_norm", size: width, epsilon: epsilon)
        projection = try weights.linear("text_projection", input: width, output: projectionSize, bias: false)
    }

    /// The pooled position of a token sequence: its first end-of-text token (the last token if none).
    func poolingIndex(_ ids: [Int32]) -> Int {
        ids.firstIndex(of: configuration.endOfTextTokenID) ?? (ids.count - 1)
    }

    /// Unnormalised text features [count, projection] from token ids (with BOS/EOS; padding after
    /// the end-of-text token is ignored).
    func features(tokenIDs: [[Int32]]) throws -> [Float] {
        let width = configuration.encoder.hiddenSize
        let sequences = try tokenIDs.map { ids -> ArraySlice<Int32> in
            guard !ids.isEmpty else { throw CLIPError.invalidInput("an empty token sequence") }
            let pooled = poolingIndex(ids)
            guard pooled < configuration.maxPositions else {
                throw CLIPError.invalidInput(
                    "token sequence pools at position \(pooled), beyond the \(configuration.maxPositions) positions")
            }
            if let bad = ids[...pooled].first(where: { $0 < 0 || Int($0) >= configuration.vocabularySize }) {
                throw CLIPError.invalidInput(
                    "token id \(bad) is outside the vocabulary of \(configuration.vocabularySize)")
            }
            return ids[...pooled]
        }
        let layout = SequenceLayout(lengths: sequences.map(\.count), padRows: true)
        let x = pool.take(layout.paddedRowCount * width)
        defer { pool.give(x) }
        x.zero(from: layout.rowCount * width)
        for (sequence, ids) in sequences.enumerated() {
            for (position, id) in ids.enumerated() {
                let out = x.pointer + (layout.starts[sequence] + position) * width
                let token = tokenEmbedding.pointer + Int(id) * width
                let place = positionEmbedding.pointer + position * width
                for j in 0..<width { out[j] = token[j] + place[j] }
            }
        }
        let scratch = EncoderScratch(layout: layout, configuration: configuration.encoder, pool: pool)
        // Each sequence's last row (its end-of-text token) is the only one read after the last
        // layer, which therefore runs for those rows alone.
        let pooled = FloatBuffer(count: sequences.count * width)
        let ends = sequences.indices.map { layout.starts[$0] + layout.lengths[$0] - 1 }
        Parallel.shortRegions {
            layers.apply(
                x.pointer, layout: layout, causal: true, scratch: scratch, keeping: ends, into: pooled.pointer,
                width: width)
        }
        finalLayerNorm.apply(pooled.pointer, rows: sequences.count, into: pooled.pointer)
        var output = [Float](repeating: 0, count: sequences.count * projection.outputSize)
        output.withUnsafeMutableBufferPointer {
            projection.apply(pooled.pointer, rows: sequences.count, into: $0.baseAddress!)
        }
        return output
    }
}
