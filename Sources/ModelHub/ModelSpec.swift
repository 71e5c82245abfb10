import Foundation

/// What `EMBEDDING_MODEL` names: a folder on disk or a repository on the hub.
public enum ModelSpec: Sendable, Equatable {
    case localFolder(URL)
    case hub(HubModelID)

    /// An existing directory wins over the id reading, so `./org/name` style paths that exist are used as they are.
    public init(parsing spec: String) throws {
        let trimmed = spec.trimmingCharacters(in: .whitespaces)
        let path = (trimmed as NSString).expandingTildeInPath
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            self = .localFolder(URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL)
        } else if !trimmed.hasPrefix("/"), !trimmed.hasPrefix("."), !trimmed.hasPrefix("~"),
            let id = HubModelID(trimmed)
        {
            self = .hub(id)
        } else {
            throw ModelHubError.invalidSpec(spec)
        }
    }
}
