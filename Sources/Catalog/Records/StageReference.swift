/// A stage by name and version, as `jobs` records it: a result made by another version is
/// outdated, and a version bump re-runs the stage for the assets that hold one.
public struct StageReference: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    public var description: String { "\(name)@\(version)" }
}
