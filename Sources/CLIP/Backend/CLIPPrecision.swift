/// The arithmetic of the encoders' matrix products.
public enum CLIPPrecision: String, Sendable, CaseIterable {
    /// float32 throughout (OpenBLAS sgemm, or oneDNN with packed weights where available).
    case float32
    /// bfloat16 weights and matrix inputs, float32 accumulation and everything else in float32
    /// (oneDNN on AVX-512 BF16). About twice the image throughput; embeddings within cosine
    /// 0.999 of float32. Falls back to float32 where oneDNN or the instructions are missing.
    case bfloat16
    /// int8 weights (per output channel) and int8 matrix inputs (per row, quantised on the fly),
    /// int32 accumulation (oneDNN on AVX-512 VNNI): about twice bfloat16's product rate, with a
    /// larger error. Falls back to float32 without oneDNN.
    case int8
}

/// How to load a checkpoint.
public struct CLIPLoadOptions: Sendable {
    public var precision: CLIPPrecision
    /// Pack the image tower's weights for oneDNN at load (faster, most of all for small batches).
    /// `false` runs every product through OpenBLAS on the memory-mapped weights.
    public var packsWeights: Bool

    /// int8: LayerNorm outlier channels in float32 (`OutlierColumns`); off only in tests.
    var splitsOutliers = true

    public init(precision: CLIPPrecision = .float32, packsWeights: Bool = true) {
        self.precision = precision
        self.packsWeights = packsWeights
    }
}
