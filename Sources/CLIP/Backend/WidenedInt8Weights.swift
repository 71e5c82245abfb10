import CKernels

/// int8 weights packed once for the int8 products of CPUs without VNNI, widened to int16 as they are read
/// (`afa_widened_gemm_avx2` in CKernels: why, and the layout).
///
/// Split into one band of output columns per worker, like every other product here: each worker
/// reads only its part of the weights.
final class WidenedInt8Weights: @unchecked Sendable {
    let outputSize: Int
    let inputSize: Int
    /// `W[n, :] ≈ scales[n] · W_q[n, :]`.
    let scales: [Float]
    private let packed: UnsafeMutablePointer<Int8>
    let bands: [Range<Int>]

    init(quantized values: [Int8], scales: [Float], outputSize: Int, inputSize: Int) {
        self.outputSize = outputSize
        self.inputSize = inputSize
        self.scales = scales
        let packed = UnsafeMutablePointer<Int8>.allocate(
            capacity: afa_widened_count(Int32(outputSize), Int32(inputSize)))
        values.withUnsafeBufferPointer {
            afa_widened_pack($0.baseAddress, Int32(outputSize), Int32(inputSize), packed)
        }
        self.packed = packed
        let workers = max(1, min(Parallel.workerCount, outputSize / 64))
        bands = (0..<workers).map { worker in
            let boundary = { (w: Int) in w == workers ? outputSize : outputSize * w / workers / 16 * 16 }
            return boundary(worker)..<boundary(worker + 1)
        }
    }

    deinit { packed.deallocate() }

    /// `y[r, n] (+)= rowScales[r] · scales[n] · Σ_j x[r, j] · W_q[n, j] + bias[n]` for the columns
    /// of one band, on the calling thread.
    func apply(
        _ x: UnsafePointer<Int8>, rowScales: UnsafePointer<Float>, bias: UnsafePointer<Float>?, rows: Int,
        into y: UnsafeMutablePointer<Float>, accumulate: Bool, band: Int
    ) {
        scales.withUnsafeBufferPointer { scales in
            afa_widened_gemm_avx2(
                x, rowScales, Int32(rows), Int32(inputSize), packed, scales.baseAddress, bias,
                Int32(bands[band].lowerBound), Int32(bands[band].upperBound), y, Int32(outputSize), accumulate ? 1 : 0)
        }
    }
}
