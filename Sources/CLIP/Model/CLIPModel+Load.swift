import Foundation

extension CLIPModel {
    /// Loads a Hugging Face CLIP folder: `config.json`, `model.safetensors` (F32, F16 or BF16),
    /// `preprocessor_config.json` (optional; OpenAI's settings otherwise) and the tokenizer files.
    ///
    /// float32 weights stay in the memory-mapped file; half-precision weights are widened once.
    ///
    /// With `precision: .bfloat16` (oneDNN on a CPU with AVX-512 BF16) or `.int8` (oneDNN) both
    /// towers' encoder products run in that precision; everything else stays float32.
    public static func load(from directory: URL, options: CLIPLoadOptions = .init()) throws -> CLIPModel {
        let configuration = try CLIPConfiguration(contentsOf: directory.appendingPathComponent("config.json"))
        let preprocessorURL = directory.appendingPathComponent("preprocessor_config.json")
        let preprocessing =
            FileManager.default.fileExists(atPath: preprocessorURL.path)
            ? try CLIPImagePreprocessing(contentsOf: preprocessorURL) : .openAI
        guard preprocessing.crop.map({ $0 == (configuration.vision.imageSize, configuration.vision.imageSize) }) ?? true
        else {
            throw CLIPError.invalidConfiguration(
                path: preprocessorURL.path,
                reason: "crop_size does not match image_size \(configuration.vision.imageSize)")
        }
        let tokenizer = try CLIPTokenizer(directory: directory)

        let file = try SafeTensorsFile(url: directory.appendingPathComponent("model.safetensors"))
        let weights = WeightReader(file: file)
        let packing = packingPrecision(options)
        let vision = try VisionTransformer(
            WeightReader(file: file, packing: packing), configuration.vision,
            projectionSize: configuration.projectionSize)
        let text = try TextTransformer(
            WeightReader(file: file, packing: packing), configuration.text, projectionSize: configuration.projectionSize
        )
        let logitScale = try weights.tensor("logit_scale", []).values[0]
        let parameterCount = file.entries.values.reduce(0) { $0 + $1.shape.reduce(1, *) }
        return CLIPModel(
            configuration: configuration, preprocessing: preprocessing, tokenizer: tokenizer, vision: vision,
            text: text,
            logitScale: Foundation.exp(logitScale), storedDTypes: file.storedDTypes, parameterCount: parameterCount,
            precision: vision.layers.first?.fc1.packed?.precision ?? .float32)
    }

    /// How the encoder layers' weights are packed: bfloat16 when asked for and native, otherwise
    /// float32 for oneDNN (its packed kernels beat OpenBLAS's per-call repacking, most of all
    /// for a text query's ~16 rows and a single image's 50).
    private static func packingPrecision(_ options: CLIPLoadOptions) -> CLIPPrecision? {
        guard PackedLinear.isAvailable, options.packsWeights else { return nil }
        let precision = options.precision
        #if canImport(CDNNL)
            if precision == .bfloat16 && DNNL.supportsBFloat16 { return .bfloat16 }
        #endif
        // int8 runs wherever oneDNN does (fast with VNNI, correct without).
        return precision == .int8 ? .int8 : .float32
    }
}
