import Catalog

/// One step of processing an asset. A stage reads what it needs, returns what it produced, and
/// must be safe to run again on the same asset (a retried or replayed job gives the same result:
/// its outputs replace its earlier ones whole).
///
/// Adding a stage: write a type conforming to this protocol, name the stages it requires, and
/// add it to the `Pipeline`. It runs once every stage it requires is done (or skipped).
public protocol ProcessingStage: Sendable {
    /// Stored in `jobs.stage` and in lineage actions (`stage.<name>.done`): keep it stable.
    var name: String { get }
    /// Bump it when the stage's result changes (an embedding stage: the model id and its
    /// version): the stage then runs again, in the background, for every asset that holds a
    /// result of another version, and so do the stages that require it.
    var version: String { get }
    /// The stages whose results this one reads.
    var requires: [String] { get }
    /// Which lane of workers runs it (`WORKER_CONCURRENCY=compute=1,…`).
    var workClass: WorkClass { get }
    /// The kinds of asset the stage is for. For any other kind it is skipped by the graph itself:
    /// no job row is written for it (a JSON document does not carry four rows saying it has no
    /// pixels), the status shows it skipped with `skipReason(for:)`, and the stages after it go on.
    var kinds: Set<AssetKind> { get }
    /// Why the stage does not apply to an asset of `kind`, or nil when it applies. Required for
    /// every kind outside `kinds`; for a kind inside them it is a passing condition (no model
    /// installed), recorded on the asset's job as `skipped` with this reason and run again once
    /// the stage's version changes.
    func skipReason(for kind: AssetKind) -> String?
    /// True for a root stage whose work the ingest does itself for a small JSON document it
    /// places in a collection (hashing and parsing it before the commit): such a document is
    /// recorded with this stage done (`Pipeline.stagesSettledAtIngest`).
    var isDoneByIngestForPlacedDocuments: Bool { get }
    func process(_ asset: AssetRecord) async throws -> StageOutput
}

extension ProcessingStage {
    public var version: String { "1" }
    public var requires: [String] { [] }
    public var workClass: WorkClass { .standard }
    public var kinds: Set<AssetKind> { Set(AssetKind.allCases) }
    public func skipReason(for kind: AssetKind) -> String? { nil }
    public var isDoneByIngestForPlacedDocuments: Bool { false }

    public var reference: StageReference { StageReference(name: name, version: version) }
}

/// A lane of workers: each class gets its own number of concurrent jobs, so a slow class (CLIP)
/// cannot occupy every worker while quick ones (hashing, JSON) wait.
public struct WorkClass: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// I/O-bound or light work: verification, database passes.
    public static let standard = WorkClass(rawValue: "standard")
    /// CPU-heavy work that runs on the compute pool: decoding, CLIP, inference.
    public static let compute = WorkClass(rawValue: "compute")
}

/// The content itself cannot be processed (corrupt, not what it claims to be). Retrying will not
/// help: the job fails at once and the reason is shown in the status and the lineage.
public struct UnprocessableContent: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
