import Catalog

/// Bulk changes of the queue for one stage of the graph, in batches so that none holds many
/// rows locked; used by the start-up sweep and by `afa reprocess`.
extension JobRepository {
    static let batchSize = 500

    /// Runs `step` (given the batch size, returning how many it changed) until a batch comes
    /// back short, or `stopped` says so. Returns the total.
    func inBatches(until stopped: () -> Bool = { false }, _ step: (Int) async throws -> Int) async throws -> Int {
        var total = 0
        while !stopped() && !Task.isCancelled {
            let count = try await step(Self.batchSize)
            total += count
            if count < Self.batchSize { break }
        }
        return total
    }

    /// Gives the assets that never reached `stage`, but passed its requirements, a row for it:
    /// queued where it can run, skipped with its reason where it cannot now (so the stages after
    /// it find their requirements met). Kinds the stage is not for get no row: the graph skips it
    /// for them. Returns how many were queued.
    func addMissing(
        _ stage: any ProcessingStage, in pipeline: Pipeline, filter: AssetFilter = AssetFilter(), maxAttempts: Int,
        until stopped: () -> Bool = { false }
    ) async throws -> Int {
        // One pass for the kinds that require the same stages and get the same row.
        var passes: [(requires: [String], skipReason: String?, kinds: [AssetKind])] = []
        for kind in AssetKind.allCases where stage.kinds.contains(kind) {
            let requires = pipeline.requirements(of: stage, for: kind)
            let reason = stage.skipReason(for: kind)
            if let index = passes.firstIndex(where: { $0.requires == requires && $0.skipReason == reason }) {
                passes[index].kinds.append(kind)
            } else {
                passes.append((requires, reason, [kind]))
            }
        }
        var queued = 0
        for pass in passes {
            let added = try await inBatches(until: stopped) {
                try await enqueueMissing(
                    stage.reference, requires: pass.requires, kinds: pass.kinds, skipReason: pass.skipReason,
                    maxAttempts: maxAttempts, limit: $0, filter: filter)
            }
            if pass.skipReason == nil { queued += added }
        }
        return queued
    }
}
