import Foundation

extension CLIPConfiguration {
    /// `config.json` in the layout `transformers` writes for `CLIPModel`.
    public func jsonData() throws -> Data {
        func encoder(_ configuration: CLIPEncoderConfiguration) -> [String: Any] {
            [
                "hidden_size": configuration.hiddenSize, "intermediate_size": configuration.intermediateSize,
                "num_hidden_layers": configuration.layerCount, "num_attention_heads": configuration.headCount,
                "hidden_act": configuration.activation.rawValue,
                "layer_norm_eps": Double(configuration.layerNormEpsilon),
                "projection_dim": projectionSize,
            ]
        }
        var textConfig = encoder(text.encoder)
        textConfig["model_type"] = "clip_text_model"
        textConfig["vocab_size"] = text.vocabularySize
        textConfig["max_position_embeddings"] = text.maxPositions
        textConfig["eos_token_id"] = Int(text.endOfTextTokenID)
        textConfig["bos_token_id"] = 49406
        var visionConfig = encoder(vision.encoder)
        visionConfig["model_type"] = "clip_vision_model"
        visionConfig["image_size"] = vision.imageSize
        visionConfig["patch_size"] = vision.patchSize
        visionConfig["num_channels"] = vision.channelCount
        let root: [String: Any] = [
            "architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": projectionSize,
            "logit_scale_init_value": 2.6592, "dtype": declaredDType ?? "float32",
            "text_config": textConfig, "vision_config": visionConfig,
        ]
        return try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
    }
}

extension CLIPImagePreprocessing {
    /// `preprocessor_config.json` in the explicit form `transformers` 5 writes.
    public func jsonData() throws -> Data {
        var root: [String: Any] = [
            "image_processor_type": "CLIPImageProcessor", "resample": 3, "do_convert_rgb": true,
            "do_resize": resizeShortestEdge != nil, "do_center_crop": crop != nil,
            "do_rescale": rescaleFactor != nil, "do_normalize": mean != nil,
        ]
        if let resizeShortestEdge { root["size"] = ["shortest_edge": resizeShortestEdge] }
        if let crop { root["crop_size"] = ["height": crop.height, "width": crop.width] }
        if let rescaleFactor { root["rescale_factor"] = rescaleFactor }
        if let mean, let std {
            root["image_mean"] = mean.map(Double.init)
            root["image_std"] = std.map(Double.init)
        }
        return try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
    }
}
