import Catalog

/// One step of processing an asset. A stage reads what it needs, returns what it learned, and
/// must be safe to run again on the same asset (a retried or replayed job gives the same result).
///
/// Adding a stage: write a type conforming to this protocol and insert it into the `Pipeline`.
public protocol ProcessingStage: Sendable {
    /// Stored in `jobs.stage` and in lineage actions (`stage.<name>.done`): keep it stable.
    var name: String { get }
    func applies(to kind: AssetKind) -> Bool
    func process(_ asset: AssetRecord) async throws -> StageResult
}

extension ProcessingStage {
    public func applies(to kind: AssetKind) -> Bool { true }
}

public struct StageResult: Sendable {
    /// Merged into the asset's metadata.
    public let metadata: JSONValue
    /// Recorded on the lineage event of this stage.
    public let detail: JSONValue

    public init(metadata: JSONValue, detail: JSONValue = [:]) {
        self.metadata = metadata
        self.detail = detail
    }
}

/// The content itself cannot be processed (corrupt, not what it claims to be). Retrying will not
/// help: the job fails at once and the reason is shown in the status and the lineage.
public struct UnprocessableContent: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
