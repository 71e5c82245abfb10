import Foundation

/// The environment's say on models: `EMBEDDING_MODEL`, `MODEL_DIR` and `HF_ENDPOINT`.
public struct ModelSettings: Sendable, Equatable {
    /// A local folder or a hub id; `openai/clip-vit-base-patch32` when unset.
    public var model: String
    /// The cache root; `$AFA_DATA/models` (so `./var/models`) when unset.
    public var modelDirectory: URL
    public var endpoint: HubEndpoint

    public init(model: String, modelDirectory: URL, endpoint: HubEndpoint) {
        self.model = model
        self.modelDirectory = modelDirectory
        self.endpoint = endpoint
    }

    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> ModelSettings
    {
        func value(_ name: String) -> String? {
            environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        let data = value("AFA_DATA") ?? "./var"
        let directory = value("MODEL_DIR") ?? (data as NSString).appendingPathComponent("models")
        return ModelSettings(
            model: value("EMBEDDING_MODEL") ?? ModelLocator.defaultModel,
            modelDirectory: URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL,
            endpoint: HubEndpoint.fromEnvironment(environment)
        )
    }
}
