import App
import CLIP
import Imaging
import Jobs
import Processing

extension MediaSettings {
    init(_ limits: AppConfiguration.MediaLimits) {
        self.init(
            limits: ImageLimits(maximumPixels: limits.maximumPixels, maximumFrames: limits.maximumFrames),
            maximumImageBytes: limits.maximumImageBytes, tools: MediaTools(timeout: limits.toolTimeout))
    }
}

extension EmbeddingModel {
    convenience init(_ settings: AppConfiguration.EmbeddingSettings, compute: ComputePool) {
        let precision: CLIPPrecision =
            switch settings.precision {
            case "bf16": .bfloat16
            case "int8": .int8
            default: .float32
            }
        self.init(
            id: settings.model, precision: precision,
            availability: EmbeddingModel.availability(of: settings.model, in: settings.modelDirectory),
            idleUnload: settings.idleUnload, compute: compute)
    }

    /// `/readyz` answers anyone: it says what to do, not where the server keeps its files.
    var status: ModelStatus {
        ModelStatus(
            state: isReady ? (isLoaded ? "loaded" : "installed") : "missing",
            hint: isReady
                ? nil
                : "no CLIP model is installed: embeddings and tags are skipped until one is "
                    + "(`afa doctor` on the server says what to do)")
    }
}
