import CBLAS

/// Multi-head self-attention over stacked sequences.
///
/// Layout: q, k, v and the context are [rows, D] with head h in columns h·d ..< (h+1)·d, so a head
/// is a strided [T, d] slice (leading dimension D) that BLAS reads in place.
struct SelfAttention: Sendable {
    let query: Linear
    let key: Linear
    let value: Linear
    let output: Linear
    let headCount: Int

    var size: Int { query.outputSize }

    /// Multiply-adds (T² · width summed over the sequences) below which attention runs on one thread.
    static let parallelWork = 1 << 20
    var headSize: Int { size / headCount }

    /// `residual += out_proj(attention(x))`.
    func apply(
        _ x: UnsafePointer<Float>, layout: SequenceLayout, causal: Bool, addingTo residual: UnsafeMutablePointer<Float>,
        scratch: EncoderScratch
    ) {
        context(of: x, layout: layout, causal: causal, scratch: scratch)
        output.apply(scratch.context.pointer, rows: layout.paddedRowCount, into: residual, accumulate: true)
    }

    /// Attention before its output projection: the context of every row, in `scratch.context`.
    func context(of x: UnsafePointer<Float>, layout: SequenceLayout, causal: Bool, scratch: EncoderScratch) {
        let rows = layout.paddedRowCount
        let (q, k, v, context) = (
            scratch.query.pointer, scratch.key.pointer, scratch.value.pointer, scratch.context.pointer
        )
        let input = MatrixInput(x, rows: rows, columns: size)
        Linear.apply([query, key, value], to: input, into: [q, k, v])

        let (d, ld) = (headSize, Int32(size))
        let scale = 1 / Float(d).squareRoot()
        let maxLength = layout.maxLength
        // A text query's attention (15 rows, a few tens of microseconds) costs less than handing it
        // to the other threads and waking them: below that much work it runs here.
        let work = layout.lengths.reduce(0) { $0 + $1 * $1 } * size
        func attend(worker: Int, item: Int) {
            let (sequence, head) = item.quotientAndRemainder(dividingBy: headCount)
            let t = layout.lengths[sequence]
            let offset = layout.starts[sequence] * size + head * d
            let (qHead, kHead, vHead, contextHead) = (q + offset, k + offset, v + offset, context + offset)
            let scores = scratch.scores.pointer + worker * maxLength * maxLength
            let (n, dimension) = (Int32(t), Int32(d))
            // scores[T, T] = scale · Q[T, d] · K[T, d]ᵀ
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, n, n, dimension, scale, qHead, ld, kHead, ld, 0, scores, n)
            for row in 0..<t {
                ElementwiseKernels.softmax(scores + row * t, Int32(causal ? row + 1 : t), Int32(t))
            }
            // context[T, d] = P[T, T] · V[T, d]
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, n, dimension, n, 1, scores, n, vHead, ld, 0, contextHead, ld)
        }
        let items = layout.lengths.count * headCount
        if work < Self.parallelWork {
            for item in 0..<items { attend(worker: 0, item: item) }
        } else {
            Parallel.forEach(items, attend)
        }
    }
}
