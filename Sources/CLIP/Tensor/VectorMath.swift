/// Element-wise float32 kernels for the non-matrix parts of the forward pass (the matrix products
/// go to BLAS). They are branch-free scalar loops over raw pointers, which LLVM vectorises; Swift's
/// generic SIMD helpers (`clamped`, `replacing`) compile to per-lane code and are avoided.
enum VectorMath {
    /// `exp(x)` with relative error below 2e-7: x = n·ln2 + r with |r| ≤ ln2/2, a degree-6
    /// polynomial for e^r, and 2^n written straight into the exponent bits.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let clamped = Swift.min(Swift.max(x, -87.3), 88.3)
        let roundingShift: Float = 12_582_912  // 1.5 · 2^23: adding it rounds to an integer in the low mantissa bits
        let shifted = clamped * 1.442_695_04 + roundingShift
        let n = shifted - roundingShift
        let r = clamped - n * 0.693_145_75 - n * 1.428_606_8e-6
        var p: Float = 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let scale = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
        return p * scale
    }

    /// `erf(x)` by Abramowitz & Stegun 7.1.26 (absolute error ≤ 1.5e-7).
    @inline(__always)
    static func erf(_ x: Float) -> Float {
        let magnitude = Swift.abs(x)
        let t = 1 / (1 + 0.327_591_1 * magnitude)
        var p: Float = 1.061_405_429
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let y = 1 - p * t * exp(-magnitude * magnitude)
        return Float(sign: x.sign, exponent: 0, significand: y)
    }
}
