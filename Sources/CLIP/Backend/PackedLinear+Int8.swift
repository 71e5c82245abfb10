#if canImport(CDNNL)
    import CBLAS
    import CDNNL

    /// int8: the weights quantised per output row at load, and one band of a product at a time.
    extension PackedLinear {
        /// Symmetric per-row int8: scale = max |w| / limit, w_q = round(w / scale).
        ///
        /// The limit is 127 where the products cannot overflow: oneDNN with VNNI, or the widened
        /// kernel. Below AVX2, oneDNN multiplies with `pmaddubsw`, which adds two u8·s8 products
        /// into a saturating int16: with |w_q| ≤ 127 a pair reaches 2·255·127 > 32,767 and clips
        /// (it cost cosine 0.977 against float32), so there |w_q| ≤ 63 (2·255·63 = 32,130).
        static var weightLimit: Float { CPUPath.effective >= .avx2 ? 127 : 63 }

        /// `leavingOut` columns are quantised as zeros (and take no part in the scales).
        static func quantizePerRow(
            _ weight: Tensor, leavingOut outliers: [Int]
        ) -> (scales: [Float], values: [Int8]) {
            let (rows, columns) = (weight.shape[0], weight.shape[1])
            let limit = weightLimit
            var scales = [Float](repeating: 1, count: rows)
            var values = [Int8](repeating: 0, count: rows * columns)
            var keptRow = [Float](repeating: 0, count: columns)
            func quantize(_ w: UnsafePointer<Float>, row: Int) {
                let largest = maxMagnitude(w, count: columns)
                let scale = largest > 0 && largest.isFinite ? largest / limit : 1
                scales[row] = scale
                for j in 0..<columns {
                    // Clamped and rounded without traps: a NaN in a damaged checkpoint must not crash.
                    let clamped = min(max(w[j] / scale, -limit), limit) + 12_582_912
                    values[row * columns + j] = Int8(
                        truncatingIfNeeded: Int32(bitPattern: clamped.bitPattern &- 0x4B40_0000))
                }
            }
            for row in 0..<rows {
                let w = weight.pointer + row * columns
                guard !outliers.isEmpty else {
                    quantize(w, row: row)
                    continue
                }
                for j in 0..<columns { keptRow[j] = w[j] }
                for column in outliers { keptRow[column] = 0 }
                keptRow.withUnsafeBufferPointer { quantize($0.baseAddress!, row: row) }
            }
            return (scales, values)
        }

        /// int8, one band on the calling thread: `y[r, n] (+)= rowScale[r] · weightScale[n] ·
        /// Σ x_q·w_q + b[n]`, plus the outlier columns' float32 product for the band's columns.
        func applyInt8(
            _ x: MatrixInput.Int8Rows, rows: Int, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
            accumulate: Bool, band index: Int
        ) {
            let n = outputSize
            let columns: Range<Int>
            if let widened {
                columns = widened.bands[index]
                widened.apply(
                    x.values, rowScales: x.rowScales, bias: bias, rows: rows, into: y, accumulate: accumulate,
                    band: index)
            } else {
                DNNL.useOneThreadHere()
                columns = bands[index].columns
                let width = columns.count
                let block = BufferPool.shared.take(rows * width)
                defer { BufferPool.shared.give(block) }
                do {
                    try execute(
                        x.values, rows: rows, into: block.pointer, accumulate: false, band: bands[index], index: index)
                } catch {
                    fatalError("\(error)")  // shapes were validated at load; a failure here is a oneDNN bug
                }
                // The kernel wrote weightScale[n] · Σ x_q·w_q densely; each row takes its scale and the bias here.
                ElementwiseKernels.scaleRows(
                    block.pointer, Int32(rows), Int32(width), x.rowScales, bias.map { $0 + columns.lowerBound },
                    y + columns.lowerBound, Int32(n), accumulate ? 1 : 0)
            }
            if let outliers, let values = x.outlierValues {
                let k = outliers.columns.columns.count
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(columns.count), Int32(k), 1, values,
                    Int32(k), outliers.weights.pointer + columns.lowerBound * k, Int32(k), 1, y + columns.lowerBound,
                    Int32(n))
            }
        }
    }
#endif
