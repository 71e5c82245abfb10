import Foundation

/// Where the hub lives and how its download URLs are formed.
public struct HubEndpoint: Sendable, Hashable {
    public static let defaultBaseURL = URL(string: "https://huggingface.co")!

    public let baseURL: URL

    public init(baseURL: URL = HubEndpoint.defaultBaseURL) {
        self.baseURL = baseURL
    }

    /// `HF_ENDPOINT` when set (the variable huggingface_hub reads, so mirrors work the same), else the public hub.
    public static func fromEnvironment(_ environment: [String: String]) -> HubEndpoint {
        guard let value = environment["HF_ENDPOINT"], !value.isEmpty, let url = URL(string: value) else {
            return HubEndpoint()
        }
        return HubEndpoint(baseURL: url)
    }

    /// `{base}/{org}/{name}/resolve/{revision}/{file}`.
    public func resolveURL(for model: HubModelID, file: String) -> URL {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: "\(base)/\(model.repository)/resolve/\(model.revision)/\(file)")!
    }
}
