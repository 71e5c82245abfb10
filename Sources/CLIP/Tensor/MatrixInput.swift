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

    private var quantized: (values: FloatBuffer, scales: FloatBuffer)?

    deinit {
        if let converted { BufferPool.shared.give(converted) }
        if let quantized {
            BufferPool.shared.give(quantized.values)
            BufferPool.shared.give(quantized.scales)
        }
    }

    /// An input quantised to int8 right away, after `transform` runs on each row in place (the
    /// activation before fc2: each row is transformed and quantised while it is in cache).
    convenience init(
        int8 rows: UnsafeMutablePointer<Float>, rows count: Int, columns: Int,
        transform: (UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        self.init(rows, rows: count, columns: columns)
        _ = quantize(transform: transform)
    }

    /// The rows quantised to int8, symmetric per row: `x[r, :] ≈ rowScales[r] · values[r, :]`.
    /// Per row (not per matrix) so an image's result does not depend on the rest of its batch.
    var int8: (values: UnsafePointer<Int8>, rowScales: UnsafePointer<Float>) { quantize { _, _ in } }

    private func quantize(
        transform: (UnsafeMutablePointer<Float>, Int) -> Void
    ) -> (values: UnsafePointer<Int8>, rowScales: UnsafePointer<Float>) {
        if let quantized {
            return (
                UnsafeRawPointer(quantized.values.pointer).assumingMemoryBound(to: Int8.self),
                UnsafePointer(quantized.scales.pointer)
            )
        }
        let (rows, columns, input) = (self.rows, self.columns, self.pointer)
        let valuesBuffer = BufferPool.shared.take(rows * columns / 4 + 1)
        let scalesBuffer = BufferPool.shared.take(rows)
        let values = UnsafeMutableRawPointer(valuesBuffer.pointer).bindMemory(to: Int8.self, capacity: rows * columns)
        let scales = scalesBuffer.pointer
        Parallel.forChunks(rows, minimumChunk: 16) { chunk in
            for row in chunk {
                let x = input + row * columns
                let out = values + row * columns
                transform(UnsafeMutablePointer(mutating: x), columns)
                let largest = maxMagnitude(x, count: columns)
                let scale = largest > 0 ? largest / 127 : 1
                let inverse = 1 / scale
                scales[row] = scale
                for j in 0..<columns {
                    // Round to nearest even through the 1.5·2^23 shift; |x / scale| ≤ 127.
                    let shifted = x[j] * inverse + 12_582_912
                    out[j] = Int8(truncatingIfNeeded: Int32(bitPattern: shifted.bitPattern &- 0x4B40_0000))
                }
            }
        }
        quantized = (valuesBuffer, scalesBuffer)
        return (UnsafeRawPointer(values).assumingMemoryBound(to: Int8.self), UnsafePointer(scales))
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
