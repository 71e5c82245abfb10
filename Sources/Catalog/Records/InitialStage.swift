/// A stage row an asset is recorded with. An asset normally starts with its pipeline's root
/// stage queued; a small JSON document placed at ingest starts settled instead: the ingest
/// hashed, parsed and placed it before the commit, which is the root stage's work, so its rows
/// say so (the root done, the stages after it skipped or queued as a completion would plan
/// them) and no worker claims a job only to confirm what the ingest knows.
public struct InitialStage: Sendable, Equatable {
    public let stage: StageReference
    public let state: JobState
    /// Why the stage does not apply, when `state` is `skipped`.
    public let skipReason: String?

    public init(_ stage: StageReference, state: JobState, skipReason: String? = nil) {
        self.stage = stage
        self.state = state
        self.skipReason = skipReason
    }

    /// The status of an asset recorded with `stages`.
    static func status(of stages: [InitialStage]) -> AssetStatus {
        if stages.contains(where: { $0.state.isFailure }) { return .failed }
        if stages.allSatisfy({ !$0.state.isOpen }) { return .ready }
        return stages.contains(where: { $0.state == .done }) ? .processing : .stored
    }
}

/// What the `verify` stage records of content it has proved, in the asset's metadata: written by
/// the stage, and by the ingest for a document it proved itself (`InitialStage`).
public enum VerifiedContent {
    public static func metadata(detectedKind: String, mediaType: String) -> [String: JSONValue] {
        [
            "verified_sha256": .bool(true), "detected_kind": .string(detectedKind),
            "detected_media_type": .string(mediaType),
        ]
    }

    /// The `json` entry of a verified document's metadata: its top-level shape and size.
    public static func objectShape(members: Int, bytes: Int) -> JSONValue {
        ["type": "object", "top_level_keys": .number(Double(members)), "bytes": .number(Double(bytes))]
    }

    public static func arrayShape(elements: Int, bytes: Int) -> JSONValue {
        ["type": "array", "elements": .number(Double(elements)), "bytes": .number(Double(bytes))]
    }

    public static func scalarShape(bytes: Int) -> JSONValue {
        ["type": "scalar", "bytes": .number(Double(bytes))]
    }
}
