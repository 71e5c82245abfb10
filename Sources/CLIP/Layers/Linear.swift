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

    /// int8: the kernel writes `weightScale[n] · Σ x_q·w_q`; each row then takes its input scale
    /// and the bias: `y[r, n] (+)= rowScale[r] · product[r, n] + b[n]`.
    private func applyInt8(
        _ packed: PackedLinear, _ input: MatrixInput, into y: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let (rows, n) = (input.rows, outputSize)
        let (values, rowScales) = input.int8
        let product = BufferPool.shared.take(rows * n)
        defer { BufferPool.shared.give(product) }
        packed.apply(values, rows: rows, into: product.pointer, accumulate: false)
        let zeros = [Float](repeating: 0, count: bias == nil ? n : 0)
        zeros.withUnsafeBufferPointer { zeros in
            let b = bias?.pointer ?? zeros.baseAddress!
            Parallel.forChunks(rows, minimumChunk: 16) { chunk in
                for row in chunk {
                    let (scale, p, out) = (rowScales[row], product.pointer + row * n, y + row * n)
                    if accumulate {
                        for j in 0..<n { out[j] += p[j] * scale + b[j] }
                    } else {
                        for j in 0..<n { out[j] = p[j] * scale + b[j] }
                    }
                }
            }
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
            packed[0].precision != .int8,
            packed.allSatisfy({ $0.bandCount == bands && $0.precision == packed[0].precision })
        else {
            for (linear, output) in zip(linears, outputs) { linear.apply(input, into: output) }
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
