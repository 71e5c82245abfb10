import CKernels

/// float32 weights packed once into 16-column panels for `afa_sgemm_avx2` (CKernels), on the
/// tiers where oneDNN 2.6's float32 kernels repack the weights on every product (below AVX-512).
///
/// Split into one band of output columns per worker, like every other product here: each worker
/// reads only its part of the weights.
final class PanelWeights: @unchecked Sendable {
    let outputSize: Int
    let inputSize: Int
    private let packed: UnsafeMutablePointer<Float>
    private let bias: Tensor?
    let bands: [Range<Int>]

    /// Whether float32 products at this tier use these kernels rather than oneDNN's.
    static var isPreferred: Bool { CPUPath.effective >= .avx2 && CPUPath.effective < .avx512 }

    init(weight: Tensor, bias: Tensor?) {
        (outputSize, inputSize) = (weight.shape[0], weight.shape[1])
        self.bias = bias
        let packed = UnsafeMutablePointer<Float>.allocate(
            capacity: afa_panels_count(Int32(outputSize), Int32(inputSize)))
        afa_panels_pack(weight.pointer, Int32(outputSize), Int32(inputSize), packed)
        self.packed = packed
        let (outputs, workers) = (outputSize, max(1, min(Parallel.workerCount, outputSize / 64)))
        bands = (0..<workers).map { worker in
            let boundary = { (w: Int) in w == workers ? outputs : outputs * w / workers / 16 * 16 }
            return boundary(worker)..<boundary(worker + 1)
        }
    }

    deinit { packed.deallocate() }

    /// `y[r, n] (+)= b[n] + Σ_j x[r, j] · W[n, j]` for the columns of one band, on the calling thread.
    func apply(
        _ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, accumulate: Bool, band: Int
    ) {
        afa_sgemm_avx2(
            x, Int32(rows), Int32(inputSize), Int32(inputSize), packed, bias?.pointer, Int32(bands[band].lowerBound),
            Int32(bands[band].upperBound), y, Int32(outputSize), accumulate ? 1 : 0)
    }
}
