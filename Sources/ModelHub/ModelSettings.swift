import Foundation

/// The environment's say on models: `EMBEDDING_MODEL`, `MODEL_DIR` and `HF_ENDPOINT`.
public struct ModelSettings: Sendable, Equatable {
    /// A local folder or a hub id; `openai/clip-vit-base-patch32` when unset.
    public var model: String
    /// The cache root; `models` under the data folder (`$AFA_DATA`) when unset.
    public var modelDirectory: URL
    public var endpoint: HubEndpoint

    public init(model: String, modelDirectory: URL, endpoint: HubEndpoint) {
        self.model = model
        self.modelDirectory = modelDirectory
        self.endpoint = endpoint
    }

    /// `dataRoot` comes from the one configuration of the process, which read `AFA_DATA`.
    public static func fromEnvironment(_ environment: [String: String], dataRoot: URL) -> ModelSettings {
        func value(_ name: String) -> String? {
            environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        let directory =
            value("MODEL_DIR").map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? dataRoot.appending(path: "models", directoryHint: .isDirectory)
        return ModelSettings(
            model: value("EMBEDDING_MODEL") ?? ModelLocator.defaultModel,
            modelDirectory: directory.standardizedFileURL,
            endpoint: HubEndpoint.fromEnvironment(environment)
        )
    }
}
