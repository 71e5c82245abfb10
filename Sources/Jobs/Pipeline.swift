import Catalog

/// The ordered stages every asset goes through; each kind skips the stages that do not apply.
public struct Pipeline: Sendable {
    public let stages: [any ProcessingStage]

    public init(stages: [any ProcessingStage]) {
        precondition(!stages.isEmpty, "a pipeline needs at least one stage")
        precondition(Set(stages.map(\.name)).count == stages.count, "stage names must be unique")
        self.stages = stages
    }

    /// Every asset starts with the first stage, whatever its kind, so ingest need not know kinds.
    public var firstStage: String { stages[0].name }

    public func stage(named name: String) -> (any ProcessingStage)? {
        stages.first { $0.name == name }
    }

    public func stage(after name: String, for kind: AssetKind) -> String? {
        guard let index = stages.firstIndex(where: { $0.name == name }) else { return nil }
        return stages[(index + 1)...].first { $0.applies(to: kind) }?.name
    }
}
