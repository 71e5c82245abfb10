import Foundation

/// Writes a random-initialised CLIP checkpoint in the Hugging Face layout, for benchmarks and tests:
/// `config.json`, `model.safetensors` (float32), `preprocessor_config.json` and the tokenizer files.
///
/// Weights are N(0, 0.02²), biases 0, LayerNorms 1/0, logit_scale ln(1/0.07), which keeps
/// activations finite at any depth. Speed does not depend on the values.
public enum RandomCheckpointWriter {
    public static func write(
        _ configuration: CLIPConfiguration, to directory: URL, tokenizerDirectory: URL, seed: UInt64 = 0
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
