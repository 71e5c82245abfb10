import CBLAS

/// `y = x · Wᵀ + b` with PyTorch's layout: W is [out, in] row-major, x is [rows, in], y is [rows, out].
///
/// Two backends: OpenBLAS sgemm reading W in place (the memory-mapped checkpoint), or, when the
/// weights were packed at load time, oneDNN in float32 or bfloat16 (`PackedLinear`).
struct Linear: Sendable {
    let weight: Tensor
    let bias: Tensor?
    var packed: PackedLinear?

    init(weight: Tensor, bias: Tensor?, packed: PackedLinear? = nil) {
        self.weight = weight
        self.bias = bias
        self.packed = packed
    }

    var inputSize: Int { weight.shape[1] }
    var outputSize: Int { weight.shape[0] }

    /// Writes (or with `accumulate`, adds) the product into `y`. Adding is how residual
    /// connections are made: `x += out_proj(…)` with no extra buffer.
    func apply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        apply(MatrixInput(x, rows: rows, columns: inputSize), into: y, accumulate: accumulate)
    }

    func apply(_ input: MatrixInput, into y: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        let (rows, n, k) = (input.rows, outputSize, inputSize)
        if let packed, packed.precision == .int8 {
            applyInt8(packed, input, into: y, accumulate: accumulate)
            return
        }
        if let packed {
            // The packed kernels add the bias themselves.
            let source =
                packed.precision == .bfloat16 ? UnsafeRawPointer(input.bfloat16) : UnsafeRawPointer(input.pointer)
            packed.apply(source, rows: rows, into: y, accumulate: accumulate)
            return
        }
        // Each worker owns a band of output columns, i.e. a band of W's rows: it reads only its
        // part of the weights, which is what matters when few rows make the product memory-bound.
        Parallel.forChunks(n, minimumChunk: 64, alignment: 16) { columns in
            seedBias(into: y, rows: rows, columns: columns, accumulate: accumulate)
            let beta: Float = accumulate || bias != nil ? 1 : 0
            // C[rows, band] = A[rows, k] · W[band, k]ᵀ
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(columns.count), Int32(k), 1, input.pointer,
                Int32(k), weight.pointer + columns.lowerBound * k, Int32(k), beta, y + columns.lowerBound, Int32(n))
        }
    }

    /// int8: the input quantised per row (once for every product that shares it), then each
    /// worker's band of the product with its scales, bias and outlier columns.
    private func applyInt8(
        _ packed: PackedLinear, _ input: MatrixInput, into y: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let quantized = input.int8(leavingOut: packed.outliers?.columns)
        Parallel.forEach(packed.bandCount) { _, band in
            packed.applyInt8(
                quantized, rows: input.rows, bias: bias?.pointer, into: y, accumulate: accumulate, band: band)
        }
    }

    /// Puts the bias into C (or adds it), so the product can be accumulated on top.
    private func seedBias(into y: UnsafeMutablePointer<Float>, rows: Int, columns: Range<Int>, accumulate: Bool) {
        guard let bias else { return }
        let n = outputSize
        let b = bias.pointer + columns.lowerBound
        for row in 0..<rows {
            let out = y + row * n + columns.lowerBound
            if accumulate {
                for j in 0..<columns.count { out[j] += b[j] }
            } else {
                out.update(from: b, count: columns.count)
            }
        }
    }
}

extension Linear {
    /// Several products of one input (q, k and v) in a single parallel region: with packed
    /// weights each worker runs its band of every product, so the threads meet once, not thrice.
    static func apply(_ linears: [Linear], to input: MatrixInput, into outputs: [UnsafeMutablePointer<Float>]) {
        let packed = linears.compactMap(\.packed)
        guard packed.count == linears.count, let bands = packed.first?.bandCount,
            packed.allSatisfy({
                $0.bandCount == bands && $0.precision == packed[0].precision
                    && $0.outliers?.columns === packed[0].outliers?.columns
            })
        else {
            for (linear, output) in zip(linears, outputs) { linear.apply(input, into: output) }
            return
        }
        if packed[0].precision == .int8 {
            let quantized = input.int8(leavingOut: packed[0].outliers?.columns)
            Parallel.forEach(bands) { _, band in
                for (linear, output) in zip(linears, outputs) {
                    linear.packed!.applyInt8(
                        quantized, rows: input.rows, bias: linear.bias?.pointer, into: output, accumulate: false,
                        band: band)
                }
            }
            return
        }
        let source =
            packed[0].precision == .bfloat16 ? UnsafeRawPointer(input.bfloat16) : UnsafeRawPointer(input.pointer)
        Parallel.forEach(bands) { _, band in
            for (product, output) in zip(packed, outputs) {
                product.apply(source, rows: input.rows, into: output, accumulate: false, band: band)
            }
        }
    }
}
