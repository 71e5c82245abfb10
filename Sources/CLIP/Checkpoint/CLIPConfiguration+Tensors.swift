extension CLIPConfiguration {
    /// Every tensor a Hugging Face `CLIPModel` checkpoint of this architecture holds, with its shape.
    public var tensorShapes: [(name: String, shape: [Int])] {
        var shapes: [(String, [Int])] = [("logit_scale", [])]
        let text = self.text.encoder
        let vision = self.vision.encoder
        shapes += [
            ("text_model.embeddings.token_embedding.weight", [self.text.vocabularySize, text.hiddenSize]),
            ("text_model.embeddings.position_embedding.weight", [self.text.maxPositions, text.hiddenSize]),
        ]
        shapes += Self.encoderShapes("text_model.encoder", text)
        shapes += [
            ("text_model.final_layer_norm.weight", [text.hiddenSize]),
            ("text_model.final_layer_norm.bias", [text.hiddenSize]),
            ("text_projection.weight", [projectionSize, text.hiddenSize]),
            ("vision_model.embeddings.class_embedding", [vision.hiddenSize]),
            (
                "vision_model.embeddings.patch_embedding.weight",
                [vision.hiddenSize, 3, self.vision.patchSize, self.vision.patchSize]
            ),
            ("vision_model.embeddings.position_embedding.weight", [self.vision.tokenCount, vision.hiddenSize]),
            ("vision_model.pre_layrnorm.weight", [vision.hiddenSize]),
            ("vision_model.pre_layrnorm.bias", [vision.hiddenSize]),
        ]
        shapes += Self.encoderShapes("vision_model.encoder", vision)
        shapes += [
            ("vision_model.post_layernorm.weight", [vision.hiddenSize]),
            ("vision_model.post_layernorm.bias", [vision.hiddenSize]),
            ("visual_projection.weight", [projectionSize, vision.hiddenSize]),
        ]
        return shapes
    }

    private static func encoderShapes(_ prefix: String, _ encoder: CLIPEncoderConfiguration) -> [(String, [Int])] {
        let (width, inner) = (encoder.hiddenSize, encoder.intermediateSize)
        return (0..<encoder.layerCount).flatMap { index -> [(String, [Int])] in
            let layer = "\(prefix).layers.\(index)"
            var shapes: [(String, [Int])] = []
            for projection in ["q_proj", "k_proj", "v_proj", "out_proj"] {
                shapes += [("\(layer).self_attn.\(projection).weight", [width, width])]
                shapes += [("\(layer).self_attn.\(projection).bias", [width])]
            }
            for norm in ["layer_norm1", "layer_norm2"] {
                shapes += [("\(layer).\(norm).weight", [width]), ("\(layer).\(norm).bias", [width])]
            }
            shapes += [
                ("\(layer).mlp.fc1.weight", [inner, width]), ("\(layer).mlp.fc1.bias", [inner]),
                ("\(layer).mlp.fc2.weight", [width, inner]), ("\(layer).mlp.fc2.bias", [width]),
            ]
            return shapes
        }
    }

    /// Scalar parameters in the model.
    public var parameterCount: Int { tensorShapes.reduce(0) { $0 + $1.shape.reduce(1, *) } }
}
