/// Well-known CLIP architectures, for writing random checkpoints of a realistic size.
public enum CLIPPreset: String, CaseIterable, Sendable {
    case vitB32 = "vit-b-32"
    case vitB16 = "vit-b-16"
    case vitL14 = "vit-l-14"
    /// The fixture's tiny model: 64 wide, 2 layers.
    case tiny

    public var configuration: CLIPConfiguration {
        switch self {
        case .vitB32: return Self.openAI(visionWidth: 768, visionLayers: 12, patch: 32, textWidth: 512, projection: 512)
        case .vitB16: return Self.openAI(visionWidth: 768, visionLayers: 12, patch: 16, textWidth: 512, projection: 512)
        case .vitL14:
            return Self.openAI(visionWidth: 1024, visionLayers: 24, patch: 14, textWidth: 768, projection: 768)
        case .tiny:
            let encoder = CLIPEncoderConfiguration(hiddenSize: 64, intermediateSize: 256, layerCount: 2, headCount: 4)
            return CLIPConfiguration(
                text: CLIPTextConfiguration(encoder: encoder),
                vision: CLIPVisionConfiguration(encoder: encoder, patchSize: 32),
                projectionSize: 32, declaredDType: "float32")
        }
    }

    /// OpenAI's shapes: 64-wide heads, MLP 4× wide, 12 text layers.
    private static func openAI(
        visionWidth: Int, visionLayers: Int, patch: Int, textWidth: Int, projection: Int
    )
        -> CLIPConfiguration
    {
        let text = CLIPEncoderConfiguration(
            hiddenSize: textWidth, intermediateSize: 4 * textWidth, layerCount: 12, headCount: textWidth / 64)
        let vision = CLIPEncoderConfiguration(
            hiddenSize: visionWidth, intermediateSize: 4 * visionWidth, layerCount: visionLayers,
            headCount: visionWidth / 64)
        return CLIPConfiguration(
            text: CLIPTextConfiguration(encoder: text),
            vision: CLIPVisionConfiguration(encoder: vision, patchSize: patch),
            projectionSize: projection, declaredDType: "float32")
    }
}
