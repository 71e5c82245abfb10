import Foundation

extension CLIPModel {
    /// Loads a Hugging Face CLIP folder: `config.json`, `model.safetensors` (F32, F16 or BF16),
    /// `preprocessor_config.json` (optional; OpenAI's settings otherwise) and the tokenizer files.
    ///
    /// float32 weights stay in the memory-mapped file; half-precision weights are widened once.
    ///
    /// With `precision: .bfloat16` or `.int8` the towers' encoder products run in that precision
    /// where this CPU makes it faster than float32 (`CLIPKernelPlan`); everything else stays float32.
    /// Without oneDNN, or with `packsWeights: false`, every product is float32 through OpenBLAS.
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
        let plan = CLIPKernelPlan(requested: options.precision)
        let packed = PackedLinear.isAvailable && options.packsWeights
        let vision = try VisionTransformer(
            WeightReader(file: file, packing: packed ? plan.image : nil, splitsOutliers: options.splitsOutliers),
            configuration.vision,
            projectionSize: configuration.projectionSize)
        let text = try TextTransformer(
            WeightReader(file: file, packing: packed ? plan.text : nil, splitsOutliers: options.splitsOutliers),
            configuration.text,
            projectionSize: configuration.projectionSize)
        let logitScale = try weights.tensor("logit_scale", []).values[0]
        let parameterCount = file.entries.values.reduce(0) { $0 + $1.shape.reduce(1, *) }
        return CLIPModel(
            configuration: configuration, preprocessing: preprocessing, tokenizer: tokenizer, vision: vision,
            text: text,
            logitScale: Foundation.exp(logitScale), storedDTypes: file.storedDTypes, parameterCount: parameterCount,
            precision: vision.layers.first?.fc1.packed?.precision ?? .float32,
            textPrecision: text.layers.first?.fc1.packed?.precision ?? .float32)
    }
}
