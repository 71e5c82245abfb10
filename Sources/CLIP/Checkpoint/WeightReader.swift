/// Maps Hugging Face `CLIPModel` tensor names onto layers, checking every shape.
struct WeightReader {
    let file: SafeTensorsFile
    /// When set, encoder-layer weights are packed for oneDNN in this precision and their pages of
    /// the mapping dropped, so the process holds one copy of each weight.
    var packing: CLIPPrecision? = nil
    /// int8 only: compute LayerNorm outlier channels in float32 (`OutlierColumns`). Off only in
    /// tests, to show what naive int8 does.
    var splitsOutliers = true

    func tensor(_ name: String, _ shape: [Int]) throws -> Tensor {
        try file.tensor(name, shape: shape)
    }

    /// `storedShape` is the checkpoint's shape when it differs from [output, input] (a convolution).
    /// `outliers` applies to int8 packing only: other products read every column alike.
    func linear(
        _ prefix: String, input: Int, output: Int, bias: Bool = true, pack: Bool = false, storedShape: [Int]? = nil,
        outliers: OutlierColumns? = nil
    ) throws -> Linear {
        let weight = try file.tensor(
            "\(prefix).weight", shape: storedShape ?? [output, input], reshapedTo: [output, input])
        var linear = Linear(weight: weight, bias: bias ? try tensor("\(prefix).bias", [output]) : nil)
        if pack, let packing,
            let packed = try? PackedLinear(
                weight: weight, bias: linear.bias, precision: packing, outliers: outliers)
        {
            linear.packed = packed
            file.release("\(prefix).weight")
        }
        return linear
    }

    func layerNorm(_ prefix: String, size: Int, epsilon: Float) throws -> LayerNorm {
        LayerNorm(
            weight: try tensor("\(prefix).weight", [size]), bias: try tensor("\(prefix).bias", [size]), epsilon: epsilon
        )
    }

    /// `<prefix>.layers.<i>.{layer_norm1, self_attn.{q,k,v,out}_proj, layer_norm2, mlp.fc1, mlp.fc2}`.
    func encoderLayers(_ prefix: String, _ configuration: CLIPEncoderConfiguration) throws -> [EncoderLayer] {
        let (width, inner, epsilon) = (
            configuration.hiddenSize, configuration.intermediateSize, configuration.layerNormEpsilon
        )
        return try (0..<configuration.layerCount).map { index in
            let layer = "\(prefix).layers.\(index)"
            let norm1 = try layerNorm("\(layer).layer_norm1", size: width, epsilon: epsilon)
            let norm2 = try layerNorm("\(layer).layer_norm2", size: width, epsilon: epsilon)
            // int8 only: the products that read a LayerNorm compute its outlier channels in float32.
            let (attentionOutliers, mlpOutliers) =
                packing == .int8 && splitsOutliers
                ? (OutlierColumns(after: norm1), OutlierColumns(after: norm2)) : (nil, nil)
            func attentionInput(_ name: String) throws -> Linear {
                try linear(
                    "\(layer).self_attn.\(name)", input: width, output: width, pack: true, outliers: attentionOutliers)
            }
            return EncoderLayer(
                layerNorm1: norm1,
                attention: SelfAttention(
                    query: try attentionInput("q_proj"), key: try attentionInput("k_proj"),
                    value: try attentionInput("v_proj"),
                    output: try linear("\(layer).self_attn.out_proj", input: width, output: width, pack: true),
                    headCount: configuration.headCount),
                layerNorm2: norm2,
                fc1: try linear("\(layer).mlp.fc1", input: width, output: inner, pack: true, outliers: mlpOutliers),
                fc2: try linear("\(layer).mlp.fc2", input: inner, output: width, pack: true),
                activation: configuration.activation)
        }
    }
}
