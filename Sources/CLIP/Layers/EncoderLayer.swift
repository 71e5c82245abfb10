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
        layerNorm1.apply(x, rows: rows, into: scratch.normed.pointer)
        attention.apply(scratch.normed.pointer, layout: layout, causal: causal, addingTo: x, scratch: scratch)
        feedForward(x, rows: rows, scratch: scratch)
    }

    /// The last layer, for only the rows read after it (each sequence's pooled token), written to
    /// `y` in the order of `rows`. Every row is still a key and a value of the attention, but the
    /// output projection and the MLP, three quarters of the layer's products, run on the kept rows
    /// alone: one of 15 for a text query, one of 50 for an image.
    func apply(
        _ x: UnsafeMutablePointer<Float>, layout: SequenceLayout, causal: Bool, scratch: EncoderScratch,
        keeping rows: [Int], into y: UnsafeMutablePointer<Float>
    ) {
        let width = attention.size
        layerNorm1.apply(x, rows: layout.paddedRowCount, into: scratch.normed.pointer)
        attention.context(of: scratch.normed.pointer, layout: layout, causal: causal, scratch: scratch)
        // The queries are spent once the context exists: their buffer holds the kept context rows.
        let context = scratch.query.pointer
        for (index, row) in rows.enumerated() {
            (y + index * width).update(from: x + row * width, count: width)
            (context + index * width).update(from: scratch.context.pointer + row * width, count: width)
        }
        attention.output.apply(context, rows: rows.count, into: y, accumulate: true)
        feedForward(y, rows: rows.count, scratch: scratch)
    }

    /// `x += fc2(activation(fc1(layer_norm2(x))))` over `rows` rows.
    private func feedForward(_ x: UnsafeMutablePointer<Float>, rows: Int, scratch: EncoderScratch) {
        let normed = scratch.normed.pointer
        let hidden = scratch.hidden.pointer
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

extension [EncoderLayer] {
    /// The encoder: every layer over `x`, the last one for `rows` alone (`EncoderLayer.apply(_:
    /// layout:causal:scratch:keeping:into:)`), whose outputs end in `y`, in the order of `rows`.
    func apply(
        _ x: UnsafeMutablePointer<Float>, layout: SequenceLayout, causal: Bool, scratch: EncoderScratch,
        keeping rows: [Int], into y: UnsafeMutablePointer<Float>, width: Int
    ) {
        for layer in dropLast() {
            layer.apply(x, layout: layout, causal: causal, scratch: scratch)
        }
        guard let last else {
            for (index, row) in rows.enumerated() { (y + index * width).update(from: x + row * width, count: width) }
            return
        }
        last.apply(x, layout: layout, causal: causal, scratch: scratch, keeping: rows, into: y)
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
