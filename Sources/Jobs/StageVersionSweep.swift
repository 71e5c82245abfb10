import Catalog
import Logging

/// Brings the queue in line with this build's graph, in the background and in batches so it
/// never holds many rows locked: a stage whose version changed runs again for the assets holding
/// an older result (which stays readable until replaced), and a stage new to the graph gets a row
/// for the assets of its kinds that already passed its requirements (queued, or skipped while it
/// cannot run). Stages are visited in graph order. Every process may run it at once: each step is
/// idempotent.
struct StageVersionSweep {
    let catalog: CatalogDatabase
    let pipeline: Pipeline
    let configuration: WorkerConfiguration
    let logger: Logger

    func run(until stopped: @Sendable () -> Bool) async {
        let jobs = catalog.jobs
        do {
            for stage in pipeline.stages where !stopped() {
                let applicable = AssetKind.allCases.filter { stage.skipReason(for: $0) == nil }
                let requires = Set(applicable.flatMap { pipeline.requirements(of: stage, for: $0) })
                let rerun = try await jobs.inBatches(until: stopped) {
                    try await jobs.requeueOutdated(
                        stage.reference, requires: requires.sorted(), applicableKinds: applicable, limit: $0)
                }
                let added = try await jobs.addMissing(
                    stage, in: pipeline, maxAttempts: configuration.retry.maxAttempts, until: stopped)
                if rerun + added > 0 {
                    logger.notice(
                        "stage brought up to date",
                        metadata: ["stage": "\(stage.reference)", "rerun": "\(rerun)", "new": "\(added)"])
                }
            }
        } catch {
            // The next start tries again; nothing is half done, each batch committed whole.
            logger.warning("could not bring stage versions up to date: \(error)")
        }
    }
}
