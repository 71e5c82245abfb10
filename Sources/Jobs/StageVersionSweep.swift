import Catalog
import Logging

/// Brings the catalog in line with this build's graph, in the background and in small batches
/// so it never holds many rows locked: a stage whose version changed runs again for the assets
/// holding an older result (which stays readable until replaced), a stage new to the graph runs
/// for the assets that already passed its requirements, and each periodic task has a run
/// waiting. Every process may run it at once: each step is idempotent.
struct StageVersionSweep {
    let catalog: CatalogDatabase
    let pipeline: Pipeline
    let configuration: WorkerConfiguration
    let logger: Logger
    static let batch = 500

    func run(until stopped: @Sendable () -> Bool) async {
        do {
            for task in pipeline.tasks {
                guard let schedule = task.schedule else { continue }
                try await catalog.jobs.ensureScheduled(
                    TaskRequest(
                        kind: task.kind, key: schedule.key, timing: .after(schedule.period),
                        maxAttempts: configuration.retry.maxAttempts))
            }
            for stage in pipeline.stages where !stopped() {
                let requeued = try await repeatUntilDone(stopped) {
                    try await catalog.jobs.requeueOutdated(stage.reference, limit: Self.batch)
                }
                let kinds = AssetKind.allCases.filter { stage.skipReason(for: $0) == nil }
                let added = try await repeatUntilDone(stopped) {
                    try await catalog.jobs.enqueueMissing(
                        stage.reference, requires: stage.requires, kinds: kinds,
                        maxAttempts: configuration.retry.maxAttempts, limit: Self.batch)
                }
                if requeued + added > 0 {
                    logger.notice(
                        "stage brought up to date",
                        metadata: ["stage": "\(stage.reference)", "rerun": "\(requeued)", "new": "\(added)"])
                }
            }
        } catch {
            // The next start tries again; nothing is half done, each batch committed whole.
            logger.warning("could not bring stage versions up to date: \(error)")
        }
    }

    private func repeatUntilDone(_ stopped: @Sendable () -> Bool, _ step: () async throws -> Int) async throws -> Int {
        var total = 0
        while !stopped() && !Task.isCancelled {
            let count = try await step()
            total += count
            if count < Self.batch { break }
        }
        return total
    }
}
