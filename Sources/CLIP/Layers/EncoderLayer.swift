/// One pre-LayerNorm transformer block:
///
///     x = x + attention(layer_norm1(x))
///     x = x + fc2(activation(fc1(layer_norm2(x))))
struct EncoderLayer: Sendable {
    let layerNorm1: LayerNorm
    let attention: SelfAttention
    let layerNorm2: LayerNorm
    let fc1: Linear
    let fc2: Linear
    let activation: CLIPActivation

    func apply(_ x: UnsafeMutablePointer<Float>, layout: SequenceLayout, causal: Bool, scratch: EncoderScratch) {
        let rows = layout.paddedRowCount
        let normed = scratch.normed.pointer
        let hidden = scratch.hidden.pointer

        layerNorm1.apply(x, rows: rows, into: normed)
        attention.apply(normed, layout: layout, causal: causal, addingTo: x, scratch: scratch)

        layerNorm2.apply(x, rows: rows, into: normed)
        fc1.apply(normed, rows: rows, into: hidden)
        let width = fc1.outputSize
        if fc2.packed?.precision == .bfloat16 {
            let input = MatrixInput(rows: rows, columns: width) { output in
                Parallel.forChunks(rows, minimumChunk: 32) { chunk in
                    let start = chunk.lowerBound * width
                    activation.apply(hidden + start, count: chunk.count * width, bfloat16: output + start)
                }
            }
            fc2.apply(input, into: x, accumulate: true)
        } else if fc2.packed?.precision == .int8 {
            let input = MatrixInput(int8: hidden, rows: rows, columns: width) { row, count in
                activation.apply(row, count: count)
            }
            fc2.apply(input, into: x, accumulate: true)
        } else {
            Parallel.forChunks(rows, minimumChunk: 32) { chunk in
                activation.apply(hidden + chunk.lowerBound * width, count: chunk.count * width)
            }
            fc2.apply(hidden, rows: rows, into: x, accumulate: true)
        }
    }
}

/// The activation buffers of one forward pass through an encoder, taken from a pool.
final class EncoderScratch {
    let normed: FloatBuffer
    let query: FloatBuffer
    let key: FloatBuffer
    let value: FloatBuffer
    let context: FloatBuffer
    let hidden: FloatBuffer
    let scores: FloatBuffer
    private let pool: BufferPool

    init(layout: SequenceLayout, configuration: CLIPEncoderConfiguration, pool: BufferPool) {
        self.pool = pool
        let rows = layout.paddedRowCount
        let width = rows * configuration.hiddenSize
        normed = pool.take(width)
        query = pool.take(width)
        key = pool.take(width)
        value = pool.take(width)
        context = pool.take(width)
        // Rows no sequence covers (padding) are never written by attention: keep them finite.
        context.zero(
            from: layout.rowCount * configuration.hiddenSize, count: width - layout.rowCount * configuration.hiddenSize)
        hidden = pool.take(rows * configuration.intermediateSize)
        scores = pool.take(Parallel.workerCount * layout.maxLength * layout.maxLength)
    }

    deinit {
        for buffer in [normed, query, key, value, context, hidden, scores] { pool.give(buffer) }
    }
}
