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
    /// queued where it applies, skipped with its reason where it does not (so the stages after it
    /// find their requirements met). Returns how many were queued.
    func addMissing(
        _ stage: any ProcessingStage, filter: AssetFilter = AssetFilter(), maxAttempts: Int,
        until stopped: () -> Bool = { false }
    ) async throws -> Int {
        let applicable = AssetKind.allCases.filter { stage.skipReason(for: $0) == nil }
        let queued = try await inBatches(until: stopped) {
            try await enqueueMissing(
                stage.reference, requires: stage.requires, kinds: applicable, maxAttempts: maxAttempts, limit: $0,
                filter: filter)
        }
        for kind in AssetKind.allCases {
            guard let reason = stage.skipReason(for: kind) else { continue }
            _ = try await inBatches(until: stopped) {
                try await enqueueMissing(
                    stage.reference, requires: stage.requires, kinds: [kind], skipReason: reason,
                    maxAttempts: maxAttempts, limit: $0, filter: filter)
            }
        }
        return queued
    }
}
