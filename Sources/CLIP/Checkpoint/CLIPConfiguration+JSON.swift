import Foundation

extension CLIPConfiguration {
    /// Reads `config.json`. Missing fields take the `transformers` defaults (ViT-B/32), as
    /// `CLIPConfig` does; `text_config_dict`/`vision_config_dict` from old checkpoints are accepted.
    public init(contentsOf url: URL) throws {
        let path = url.path
        let root = try JSONObject.read(url)
        if let architectures = root["architectures"] as? [String],
            let unsupported = architectures.first(where: { $0 != "CLIPModel" })
        {
            throw CLIPError.unsupportedArchitecture(path: path, name: unsupported)
        }
        if let modelType = root["model_type"] as? String, modelType != "clip" {
            throw CLIPError.unsupportedArchitecture(path: path, name: modelType)
        }
        let text = JSONObject(root["text_config"] ?? root["text_config_dict"], path: path)
        let vision = JSONObject(root["vision_config"] ?? root["vision_config_dict"], path: path)

        let textEncoder = try CLIPEncoderConfiguration(
            text, defaults: (hidden: 512, intermediate: 2048, layers: 12, heads: 8))
        let endOfText = try text.int("eos_token_id", default: 49407)
        self.text = CLIPTextConfiguration(
            encoder: textEncoder,
            vocabularySize: try text.int("vocab_size", default: 49408),
            maxPositions: try text.int("max_position_embeddings", default: 77),
            endOfTextTokenID: endOfText == 2 ? 49407 : Int32(clamping: endOfText))
        self.vision = CLIPVisionConfiguration(
            encoder: try CLIPEncoderConfiguration(
                vision, defaults: (hidden: 768, intermediate: 3072, layers: 12, heads: 12)),
            imageSize: try vision.int("image_size", default: 224),
            patchSize: try vision.int("patch_size", default: 32),
            channelCount: try vision.int("num_channels", default: 3))
        self.projectionSize = try JSONObject(root, path: path).int("projection_dim", default: 512)
        self.declaredDType = (root["torch_dtype"] ?? root["dtype"]) as? String

        guard self.vision.patchSize > 0, self.vision.imageSize % self.vision.patchSize == 0 else {
            throw CLIPError.invalidConfiguration(
                path: path,
                reason: "image_size \(self.vision.imageSize) is not a multiple of patch_size \(self.vision.patchSize)")
        }
        guard self.vision.channelCount == 3 else {
            throw CLIPError.invalidConfiguration(path: path, reason: "num_channels must be 3 (RGB)")
        }
        guard self.projectionSize > 0, self.text.vocabularySize > 0, self.text.maxPositions > 0 else {
            throw CLIPError.invalidConfiguration(path: path, reason: "sizes must be positive")
        }
    }
}

extension CLIPEncoderConfiguration {
    fileprivate init(
        _ json: JSONObject, defaults: (hidden: Int, intermediate: Int, layers: Int, heads: Int)
    ) throws {
        hiddenSize = try json.int("hidden_size", default: defaults.hidden)
        intermediateSize = try json.int("intermediate_size", default: defaults.intermediate)
        layerCount = try json.int("num_hidden_layers", default: defaults.layers)
        headCount = try json.int("num_attention_heads", default: defaults.heads)
        layerNormEpsilon = Float(try json.double("layer_norm_eps", default: 1e-5))
        let activationName = json.values["hidden_act"] as? String ?? "quick_gelu"
        guard let activation = CLIPActivation(rawValue: activationName) else {
            throw CLIPError.unknownActivation(path: json.path, name: activationName)
        }
        self.activation = activation
        guard hiddenSize > 0, intermediateSize > 0, layerCount >= 0, headCount > 0, hiddenSize % headCount == 0 else {
            throw CLIPError.invalidConfiguration(
                path: json.path,
                reason: "hidden_size \(hiddenSize) must be positive and divisible by num_attention_heads \(headCount)")
        }
    }
}

/// A parsed JSON object with typed, defaulted field access.
struct JSONObject {
    let values: [String: Any]
    let path: String

    init(_ value: Any?, path: String) {
        self.values = value as? [String: Any] ?? [:]
        self.path = path
    }

    static func read(_ url: URL) throws -> [String: Any] {
        guard FileManager.default.fileExists(atPath: url.path) else { throw CLIPError.missingFile(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CLIPError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CLIPError.invalidConfiguration(path: url.path, reason: "not a JSON object")
        }
        return object
    }

    func int(_ key: String, default fallback: Int) throws -> Int {
        guard let value = values[key], !(value is NSNull) else { return fallback }
        guard let number = value as? NSNumber, let exact = Int(exactly: number.doubleValue) else {
            throw CLIPError.invalidConfiguration(path: path, reason: "'\(key)' must be an integer")
        }
        return exact
    }

    func double(_ key: String, default fallback: Double) throws -> Double {
        guard let value = values[key], !(value is NSNull) else { return fallback }
        guard let number = value as? NSNumber else {
            throw CLIPError.invalidConfiguration(path: path, reason: "'\(key)' must be a number")
        }
        return number.doubleValue
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = values[key], !(value is NSNull) else { return fallback }
        guard let flag = value as? Bool else {
            throw CLIPError.invalidConfiguration(path: path, reason: "'\(key)' must be true or false")
        }
        return flag
    }
}
