import Catalog
import Foundation
import Logging
import Metrics
import PostgresNIO

/// Runs one claimed job: the stage, a lease heartbeat beside it, then completion or failure.
struct JobRunner: Sendable {
    let catalog: CatalogDatabase
    let pipeline: Pipeline
    let configuration: WorkerConfiguration
    let worker: String
    let logger: Logger

    func run(_ job: ClaimedJob) async {
        var logger = logger
        logger[metadataKey: "job"] = "\(job.id)"
        logger[metadataKey: "subject"] = "\(job.lineageSubject)"
        logger[metadataKey: "stage"] = "\(job.stage)"
        let started = ContinuousClock.now
        do {
            switch job.subject {
            case .asset(let assetID): try await runStage(job, assetID: assetID)
            case .task(let key, let payload): try await runTask(job, key: key, payload: payload)
            }
            record(job, outcome: "done", since: started)
            logger.debug("job done")
        } catch is CancellationError {
            // Shutting down hard: give the job back untouched for another worker. In a task of
            // its own, since this one is cancelled and the pool would refuse it a connection.
            let jobs = catalog.jobs
            await Task { try? await jobs.release(job) }.value
            logger.info("released job on shutdown")
        } catch let error as LeaseLost {
            record(job, outcome: "lease_lost", since: started)
            logger.warning("\(error)")
        } catch let error as UnprocessableContent {
            await fail(job, reason: error.reason, retryable: false, logger: logger)
            record(job, outcome: "failed", since: started)
        } catch {
            // Shown to the asset's owner (status, lineage): the database's own text, which may
            // quote constraint names and values, stays in the server log.
            logger.warning("job error", metadata: ["error": "\(DatabaseFailure(error))"])
            await fail(job, reason: Self.clientFacing(error), retryable: true, logger: logger)
            record(job, outcome: "error", since: started)
        }
    }

    private func runStage(_ job: ClaimedJob, assetID: UUID) async throws {
        guard let stage = pipeline.stage(named: job.stage) else {
            throw UnprocessableContent("no stage named '\(job.stage)' in this build of afa")
        }
        guard let asset = try await catalog.assets.find(assetID) else {
            throw UnprocessableContent("asset \(assetID) no longer exists")
        }
        let output = try await withLeaseHeartbeat(job) { try await stage.process(asset) }
        let pipeline = self.pipeline
        try await catalog.jobs.complete(
            job, version: stage.version, output: output, actor: "worker:\(worker)",
            followUps: { pipeline.followUps(after: stage.name, kind: asset.kind, states: $0) })
    }

    private func runTask(_ job: ClaimedJob, key: String, payload: JSONValue) async throws {
        guard let handler = pipeline.task(kind: job.stage) else {
            throw UnprocessableContent("no task kind '\(job.stage)' in this build of afa")
        }
        let detail = try await withLeaseHeartbeat(job) { try await handler.run(key: key, payload: payload) }
        let next = handler.nextRun(maxAttempts: configuration.retry.maxAttempts)
        try await catalog.jobs.completeTask(job, detail: detail, actor: "worker:\(worker)", next: next)
    }

    private func fail(_ job: ClaimedJob, reason: String, retryable: Bool, logger: Logger) async {
        logger.warning("stage failed", metadata: ["reason": "\(reason)", "retryable": "\(retryable)"])
        do {
            try await catalog.jobs.fail(
                job, reason: reason, retryable: retryable,
                backoff: configuration.retry.delay(afterAttempt: job.attempt), actor: "worker:\(worker)")
        } catch {
            // The lease will expire and the job will be retried; nothing is lost.
            logger.error("could not record the failure: \(error)")
        }
    }

    /// Extends the lease every third of its length while `body` runs, so long stages (a video)
    /// are not taken over by another worker while still making progress.
    private func withLeaseHeartbeat<T: Sendable>(
        _ job: ClaimedJob, _ body: @Sendable @escaping () async throws -> T
    )
        async throws -> T
    {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                while true {
                    try await Task.sleep(for: configuration.lease / 3)
                    guard try await catalog.jobs.extendLease(job, by: configuration.lease) else {
                        throw LeaseLost(jobID: job.id)
                    }
                }
            }
            defer { group.cancelAll() }
            while let value = try await group.next() {
                if let value { return value }
            }
            throw CancellationError()
        }
    }

    static func clientFacing(_ error: any Error) -> String {
        if let state = (error as? PSQLError)?.serverInfo?[.sqlState] {
            return "database error (SQLSTATE \(state)); the details are in the server log"
        }
        return String(describing: error)
    }

    private func record(_ job: ClaimedJob, outcome: String, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        Timer(label: "afa_job_duration_seconds", dimensions: [("stage", job.stage), ("outcome", outcome)])
            .recordNanoseconds(
                elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
