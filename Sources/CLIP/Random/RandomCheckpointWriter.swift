import Foundation

/// Writes a random-initialised CLIP checkpoint in the Hugging Face layout, for benchmarks and tests:
/// `config.json`, `model.safetensors` (float32), `preprocessor_config.json` and the tokenizer files.
///
/// Weights are N(0, 0.02²), biases 0, LayerNorms 1/0, logit_scale ln(1/0.07), which keeps
/// activations finite at any depth. Speed does not depend on the values; accuracy under reduced
/// precision does, which `outliers` is for.
public enum RandomCheckpointWriter {
    public static func write(
        _ configuration: CLIPConfiguration, to directory: URL, tokenizerDirectory: URL, seed: UInt64 = 0,
        outliers: OutlierChannels? = nil
    ) throws {
        let files = FileManager.default
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["vocab.json", "merges.txt"] {
            let source = tokenizerDirectory.appendingPathComponent(name)
            guard files.fileExists(atPath: source.path) else { throw CLIPError.missingFile(path: source.path) }
            let destination = directory.appendingPathComponent(name)
            if files.fileExists(atPath: destination.path) { try files.removeItem(at: destination) }
            try files.copyItem(at: source, to: destination)
        }
        try configuration.jsonData().write(to: directory.appendingPathComponent("config.json"))
        try CLIPImagePreprocessing.openAI.jsonData().write(
            to: directory.appendingPathComponent("preprocessor_config.json"))

        let shapes = configuration.tensorShapes
        var generator = NormalGenerator(seed: seed)
        try SafeTensorsWriter.write(
            shapes.map { SafeTensorsWriter.Entry(name: $0.name, shape: $0.shape) },
            to: directory.appendingPathComponent("model.safetensors")
        ) { index, bytes in
            let values = bytes.bindMemory(to: Float.self)
            let name = shapes[index].name
            if name == "logit_scale" {
                values.initialize(repeating: Float(Foundation.log(1 / 0.07)))
            } else if name.contains("norm") || name.contains("layrnorm") {
                values.initialize(repeating: name.hasSuffix(".weight") ? 1 : 0)
            } else if name.hasSuffix(".bias") {
                values.initialize(repeating: 0)
            } else {
                for i in values.indices { values[i] = 0.02 * generator.next() }
            }
            outliers?.apply(to: values, name: name, shape: shapes[index].shape)
        }
    }
}

/// Standard normal floats from SplitMix64 through the Box–Muller transform.
struct NormalGenerator {
    private var state: UInt64
    private var spare: Float?

    init(seed: UInt64) { state = seed }

    private mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 0.5) * 0x1p-53
    }

    mutating func next() -> Float {
        if let spare {
            self.spare = nil
            return spare
        }
        let radius = (-2 * Foundation.log(uniform())).squareRoot()
        let angle = 2 * Double.pi * uniform()
        spare = Float(radius * Foundation.sin(angle))
        return Float(radius * Foundation.cos(angle))
    }
}

/// Outlier channels as trained transformers have them: a handful of LayerNorm channels whose
/// weight is tens of times the rest (Kovaleva et al. 2021, "BERT Busters"; Dettmers et al. 2022,
/// "LLM.int8()"), so every product that reads a LayerNorm's output (q, k, v and fc1) sees a few
/// columns 30-100x larger than the others, in every row. A per-row int8 scale that must cover those
/// leaves the other channels a handful of levels.
///
/// The same columns of those products' weights are divided by the same factors, so the float32
/// network computes exactly what it did without them, as a trained one that learned to live with
/// its outliers does. Without that, random weights read the outliers at full strength: attention
/// logits grow by the square of the factor, and the network turns so sensitive that even
/// bfloat16 rounding moves its output — a test of chaos, not of quantisation.
public struct OutlierChannels: Sendable {
    public let count: Int
    public let scales: ClosedRange<Float>

    public init(count: Int, scales: ClosedRange<Float> = 30...100) {
        self.count = count
        self.scales = scales
    }

    /// The outlier channels of a `width`-wide activation and each one's factor: spread over the
    /// width by a stride coprime with the usual widths, the same channels in every layer.
    func channels(width: Int) -> [(channel: Int, scale: Float)] {
        (0..<min(count, width)).map { i in
            let spread = count > 1 ? Float(i) / Float(count - 1) : 0
            return ((i * 97 + 13) % width, scales.lowerBound + spread * (scales.upperBound - scales.lowerBound))
        }
    }

    private static let readers = [
        ".self_attn.q_proj.weight", ".self_attn.k_proj.weight", ".self_attn.v_proj.weight", ".mlp.fc1.weight",
    ]

    func apply(to values: UnsafeMutableBufferPointer<Float>, name: String, shape: [Int]) {
        if name.hasSuffix(".layer_norm1.weight") || name.hasSuffix(".layer_norm2.weight") {
            for (channel, scale) in channels(width: values.count) { values[channel] *= scale }
        } else if Self.readers.contains(where: name.hasSuffix) {
            let (rows, width) = (shape[0], shape[1])
            for (channel, scale) in channels(width: width) {
                for row in 0..<rows { values[row * width + channel] /= scale }
            }
        }
    }
}
