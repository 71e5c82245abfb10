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
        var count = try await catalog.jobs.reprocess(stage.reference, filter: filter, actor: actor)
        let kinds = AssetKind.allCases.filter { stage.skipReason(for: $0) == nil }
        while true {
            let added = try await catalog.jobs.enqueueMissing(
                stage.reference, requires: stage.requires, kinds: kinds, maxAttempts: maxAttempts, limit: 500,
                filter: filter)
            count += added
            if added < 500 { return count }
        }
    }
}
