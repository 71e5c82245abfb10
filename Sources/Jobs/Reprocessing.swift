import Catalog

/// `afa reprocess` and `POST /api/v1/admin/reprocess`: run one stage again, now, for the assets a
/// filter selects, whatever version made their result; the stages that require it follow.
public struct Reprocessing: Sendable {
    let catalog: CatalogDatabase
    let pipeline: Pipeline
    let maxAttempts: Int

    public init(catalog: CatalogDatabase, pipeline: Pipeline, maxAttempts: Int) {
        self.catalog = catalog
        self.pipeline = pipeline
        self.maxAttempts = maxAttempts
    }

    public struct UnknownStage: Error, CustomStringConvertible {
        public let name: String
        public let known: [String]
        public var description: String { "no stage named '\(name)'; the stages are \(known.joined(separator: ", "))" }
    }

    /// How many assets were queued: those that finished the stage before, and those that never
    /// reached it although its requirements are done.
    public func reprocess(stage name: String, filter: AssetFilter, actor: String) async throws -> Int {
        guard let stage = pipeline.stage(named: name) else {
            throw UnknownStage(name: name, known: pipeline.stages.map(\.name))
        }
        let jobs = catalog.jobs
        // A stage that cannot run now (a semantic stage without a model) keeps its results.
        let applicable = AssetKind.allCases.filter { stage.skipReason(for: $0) == nil }
        let requeued = try await jobs.inBatches {
            try await jobs.reprocess(stage.reference, filter: filter, applicableKinds: applicable, limit: $0)
        }
        let added = try await jobs.addMissing(stage, in: pipeline, filter: filter, maxAttempts: maxAttempts)
        try await jobs.recordReprocess(stage.reference, filter: filter, queued: requeued + added, actor: actor)
        return requeued + added
    }
}
