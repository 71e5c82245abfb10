/// A Hugging Face model repository at one revision, e.g. `openai/clip-vit-base-patch32@main`.
public struct HubModelID: Sendable, Hashable, CustomStringConvertible {
    public static let defaultRevision = "main"

    public let organization: String
    public let name: String
    public let revision: String

    /// Parses `org/name` or `org/name@revision`; nil for anything else.
    ///
    /// Only the characters the hub allows in names are accepted, so the id can safely become a folder name and a URL
    /// path without escaping.
    public init?(_ spec: String) {
        let (repository, revision) = Self.split(spec)
        let parts = repository.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, parts.allSatisfy(Self.isSafeComponent), Self.isSafeComponent(revision) else {
            return nil
        }
        self.organization = parts[0]
        self.name = parts[1]
        self.revision = revision
    }

    public var repository: String { "\(organization)/\(name)" }

    public var description: String {
        revision == Self.defaultRevision ? repository : "\(repository)@\(revision)"
    }

    /// The cache folder's name below `MODEL_DIR`: `org--name`, plus `@revision` when not `main`.
    public var folderName: String {
        let base = "\(organization)--\(name)"
        return revision == Self.defaultRevision ? base : "\(base)@\(revision)"
    }

    private static func split(_ spec: String) -> (String, String) {
        guard let at = spec.lastIndex(of: "@") else { return (spec, defaultRevision) }
        return (String(spec[..<at]), String(spec[spec.index(after: at)...]))
    }

    private static func isSafeComponent(_ component: String) -> Bool {
        guard !component.isEmpty, component.count <= 96, component != ".", component != "..",
            !component.hasPrefix("-")
        else { return false }
        return component.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": return true
            default: return false
            }
        }
    }
}
