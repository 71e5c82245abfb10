/// The hidden-layer nonlinearity of an encoder's MLP.
public enum CLIPActivation: String, Sendable, Equatable {
    /// `x · sigmoid(1.702 x)`, used by OpenAI's checkpoints.
    case quickGELU = "quick_gelu"
    /// Exact `0.5 x (1 + erf(x / √2))`.
    case gelu = "gelu"
}

/// One transformer stack (the text or the vision tower).
public struct CLIPEncoderConfiguration: Sendable, Equatable {
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var activation: CLIPActivation
    public var layerNormEpsilon: Float

    public var headSize: Int { hiddenSize / headCount }

    public init(
        hiddenSize: Int, intermediateSize: Int, layerCount: Int, headCount: Int,
        activation: CLIPActivation = .quickGELU,
        layerNormEpsilon: Float = 1e-5
    ) {
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.activation = activation
        self.layerNormEpsilon = layerNormEpsilon
    }
}

public struct CLIPTextConfiguration: Sendable, Equatable {
    public var encoder: CLIPEncoderConfiguration
    public var vocabularySize: Int
    public var maxPositions: Int
    /// The id whose first occurrence is pooled. Legacy checkpoints store 2 and mean "the largest id",
    /// which is the end-of-text token 49407, so 2 is read as 49407.
    public var endOfTextTokenID: Int32

    public init(
        encoder: CLIPEncoderConfiguration, vocabularySize: Int = 49408, maxPositions: Int = 77,
        endOfTextTokenID: Int32 = 49407
    ) {
        self.encoder = encoder
        self.vocabularySize = vocabularySize
        self.maxPositions = maxPositions
        self.endOfTextTokenID = endOfTextTokenID
    }
}

public struct CLIPVisionConfiguration: Sendable, Equatable {
    public var encoder: CLIPEncoderConfiguration
    public var imageSize: Int
    public var patchSize: Int
    public var channelCount: Int

    public var patchesPerSide: Int { imageSize / patchSize }
    public var patchCount: Int { patchesPerSide * patchesPerSide }
    /// Patches plus the class token.
    public var tokenCount: Int { patchCount + 1 }

    public init(encoder: CLIPEncoderConfiguration, imageSize: Int = 224, patchSize: Int, channelCount: Int = 3) {
        self.encoder = encoder
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.channelCount = channelCount
    }
}

/// The architecture described by a Hugging Face `config.json` for `CLIPModel`.
public struct CLIPConfiguration: Sendable, Equatable {
    public var text: CLIPTextConfiguration
    public var vision: CLIPVisionConfiguration
    public var projectionSize: Int
    /// The dtype named by `config.json` (`torch_dtype` or `dtype`), if any.
    public var declaredDType: String?

    public init(
        text: CLIPTextConfiguration, vision: CLIPVisionConfiguration, projectionSize: Int, declaredDType: String? = nil
    ) {
        self.text = text
        self.vision = vision
        self.projectionSize = projectionSize
        self.declaredDType = declaredDType
    }
}
