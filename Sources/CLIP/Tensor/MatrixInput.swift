/// The input rows of one or more matrix products: float32, plus a bfloat16 copy made on first
/// use when a bfloat16 product reads it (so q, k and v convert their shared input once).
final class MatrixInput {
    let pointer: UnsafePointer<Float>
    let rows: Int
    let columns: Int
    private var converted: FloatBuffer?

    init(_ pointer: UnsafePointer<Float>, rows: Int, columns: Int) {
        self.pointer = pointer
        self.rows = rows
        self.columns = columns
    }

    /// An input whose bfloat16 form `fill` writes directly (its float32 form is not kept).
    init(rows: Int, columns: Int, bfloat16 fill: (UnsafeMutablePointer<UInt16>) -> Void) {
        let buffer = BufferPool.shared.take(rows * columns / 2 + 1)
        fill(UnsafeMutableRawPointer(buffer.pointer).bindMemory(to: UInt16.self, capacity: rows * columns))
        self.converted = buffer
        // Never read as float32: only packed bfloat16 products get this input.
        self.pointer = UnsafePointer(buffer.pointer)
        self.rows = rows
        self.columns = columns
    }

    private var quantized: (values: FloatBuffer, scales: FloatBuffer, outliers: OutlierColumns?, split: FloatBuffer?)?

    deinit {
        if let converted { BufferPool.shared.give(converted) }
        if let quantized {
            BufferPool.shared.give(quantized.values)
            BufferPool.shared.give(quantized.scales)
            quantized.split.map(BufferPool.shared.give)
        }
    }

    /// An input quantised to int8 right away, after `transform` runs on each row in place (the
    /// activation before fc2: each row is transformed and quantised while it is in cache).
    convenience init(
        int8 rows: UnsafeMutablePointer<Float>, rows count: Int, columns: Int,
        transform: (UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        self.init(rows, rows: count, columns: columns)
        _ = quantize(leavingOut: nil, transform: transform)
    }

    struct Int8Rows {
        /// `x[r, :] ≈ rowScales[r] · values[r, :]`, with the outlier columns as zeros.
        let values: UnsafePointer<Int8>
        let rowScales: UnsafePointer<Float>
        /// The outlier columns in float32, [rows, outliers.columns.count], when there are any.
        let outlierValues: UnsafePointer<Float>?
    }

    /// The rows quantised to int8, symmetric per row, with `outliers`' columns split off in
    /// float32. Per row (not per matrix) so an image's result does not depend on the rest of its
    /// batch. q, k and v share their input and its outliers, so it is quantised once for all three.
    func int8(leavingOut outliers: OutlierColumns?) -> Int8Rows {
        quantize(leavingOut: outliers) { _, _ in }
    }

    private func quantize(
        leavingOut outliers: OutlierColumns?, transform: (UnsafeMutablePointer<Float>, Int) -> Void
    ) -> Int8Rows {
        if let quantized {
            precondition(quantized.outliers === outliers, "one input quantised for two sets of outlier columns")
            return Int8Rows(
                values: UnsafeRawPointer(quantized.values.pointer).assumingMemoryBound(to: Int8.self),
                rowScales: UnsafePointer(quantized.scales.pointer),
                outlierValues: quantized.split.map { UnsafePointer($0.pointer) })
        }
        let (rows, columns, input) = (self.rows, self.columns, self.pointer)
        let valuesBuffer = BufferPool.shared.take(rows * columns / 4 + 1)
        let scalesBuffer = BufferPool.shared.take(rows)
        let values = UnsafeMutableRawPointer(valuesBuffer.pointer).bindMemory(to: Int8.self, capacity: rows * columns)
        let scales = scalesBuffer.pointer
        let split = outliers.map { BufferPool.shared.take(rows * $0.columns.count) }
        Parallel.forChunks(rows, minimumChunk: 16) { chunk in
            // A row without its outliers, in a buffer of the chunk's own.
            let kept = outliers.map { _ in UnsafeMutablePointer<Float>.allocate(capacity: columns) }
            defer { kept?.deallocate() }
            for row in chunk {
                var x = UnsafePointer(input + row * columns)
                let out = values + row * columns
                transform(UnsafeMutablePointer(mutating: x), columns)
                if let outliers, let kept, let split {
                    kept.update(from: x, count: columns)
                    let outlierRow = split.pointer + row * outliers.columns.count
                    for (index, column) in outliers.columns.enumerated() {
                        outlierRow[index] = x[column]
                        kept[column] = 0
                    }
                    x = UnsafePointer(kept)
                }
                scales[row] = ElementwiseKernels.quantizeRow(x, Int32(columns), out)
            }
        }
        quantized = (valuesBuffer, scalesBuffer, outliers, split)
        return Int8Rows(
            values: UnsafeRawPointer(values).assumingMemoryBound(to: Int8.self), rowScales: UnsafePointer(scales),
            outlierValues: split.map { UnsafePointer($0.pointer) })
    }

    /// The rows rounded to bfloat16 (round to nearest even), converted once.
    var bfloat16: UnsafePointer<UInt16> {
        if let converted { return UnsafeRawPointer(converted.pointer).assumingMemoryBound(to: UInt16.self) }
        let count = rows * columns
        let buffer = BufferPool.shared.take(count / 2 + 1)
        let output = UnsafeMutableRawPointer(buffer.pointer).bindMemory(to: UInt16.self, capacity: count)
        let input = pointer
        Parallel.forChunks(count, minimumChunk: 16_384, alignment: 16) { range in
            for i in range { output[i] = bfloat16Bits(input[i]) }
        }
        converted = buffer
        return UnsafePointer(output)
    }
}

/// float32 → bfloat16 bits, rounding to nearest even.
@inline(__always)
func bfloat16Bits(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
}

/// `max |x[i]|`. For non-negative floats the bit patterns order like unsigned integers, and an
/// integer max reduction vectorises where a float one (NaN rules) does not.
@inline(__always)
func maxMagnitude(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var largest: UInt32 = 0
    for j in 0..<count { largest = max(largest, x[j].bitPattern & 0x7FFF_FFFF) }
    return Float(bitPattern: largest)
}
