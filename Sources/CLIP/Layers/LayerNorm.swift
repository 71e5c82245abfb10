/// Per-row normalisation to zero mean and unit variance, then a learned scale and shift.
struct LayerNorm: Sendable {
    let weight: Tensor
    let bias: Tensor
    let epsilon: Float

    var size: Int { weight.count }

    /// `y[r] = (x[r] − mean) / sqrt(var + ε) · w + b` for each of `rows` rows; `y` may equal `x`.
    func apply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        Parallel.forChunks(rows, minimumChunk: 64) { chunk in
            for row in chunk { normalize(x + row * size, into: y + row * size) }
        }
    }

    private func normalize(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        let n = size
        let (w, b) = (weight.pointer, bias.pointer)
        // Eight running sums, so the reduction vectorises (one scalar sum would be serial).
        let mean = Self.sum(n) { input[$0] } / Float(n)
        let variance = Self.sum(n) { (input[$0] - mean) * (input[$0] - mean) } / Float(n)
        let inverseDeviation = 1 / (variance + epsilon).squareRoot()
        for j in 0..<n { output[j] = (input[j] - mean) * inverseDeviation * w[j] + b[j] }
    }

    @inline(__always)
    private static func sum(_ count: Int, _ term: (Int) -> Float) -> Float {
        var lanes = SIMD8<Float>()
        var j = 0
        while j + 8 <= count {
            lanes += SIMD8(
                term(j), term(j + 1), term(j + 2), term(j + 3), term(j + 4), term(j + 5), term(j + 6), term(j + 7))
            j += 8
        }
        var total = lanes.sum()
        while j < count {
            total += term(j)
            j += 1
        }
        return total
    }
}
