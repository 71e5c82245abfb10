extension CLIPActivation {
    @inline(__always)
    func callAsFunction(_ v: Float) -> Float {
        switch self {
        case .quickGELU:
            // x · sigmoid(1.702 x) = x / (1 + e^(−1.702 x))
            return v / (1 + VectorMath.exp(-1.702 * v))
        case .gelu:
            return 0.5 * v * (1 + VectorMath.erf(v * 0.707_106_781_186_547_5))
        }
    }

    /// Applies the activation in place to `count` floats.
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .quickGELU: ElementwiseKernels.quickGELU(x, count)
        case .gelu: for i in 0..<count { x[i] = CLIPActivation.gelu(x[i]) }
        }
    }

    /// Applies the activation and writes the result as bfloat16 (the next product's input).
    func apply(_ x: UnsafePointer<Float>, count: Int, bfloat16 output: UnsafeMutablePointer<UInt16>) {
        switch self {
        case .quickGELU: for i in 0..<count { output[i] = bfloat16Bits(CLIPActivation.quickGELU(x[i])) }
        case .gelu: for i in 0..<count { output[i] = bfloat16Bits(CLIPActivation.gelu(x[i])) }
        }
    }
}
