import Catalog
import Foundation
import Logging
import Metrics
import PostgresNIO

/// Runs claimed jobs: the stage (or task), a lease heartbeat beside it, then completion or
/// failure. The stages of one claim are completed together, in one transaction.
struct JobRunner: Sendable {
    let catalog: CatalogDatabase
    let pipeline: Pipeline
    let configuration: WorkerConfiguration
    let worker: String
    let logger: Logger
    /// Set on graceful shutdown: jobs of a claim not yet started are given back, not run.
    var isStopping: @Sendable () -> Bool = { false }

    var actor: String { "worker:\(worker)" }

    /// Runs what one claim took, one job after another under one heartbeat, so a job waiting its
    /// turn keeps its lease. A task is completed as it finishes; a stage that fails is recorded at
    /// once, alone; the stages that succeed are completed together at the end.
    func run(_ jobs: [ClaimedJob]) async {
        let started = ContinuousClock.now
        let completions: [StageCompletion]
        let unstarted: [ClaimedJob]
        do {
            (completions, unstarted) = try await withLeaseHeartbeat(jobs) {
                var completions: [StageCompletion] = []
                for (index, job) in jobs.enumerated() {
                    try Task.checkCancellation()
                    if isStopping() { return (completions, Array(jobs[index...])) }
                    do {
                        switch job.subject {
                        case .asset: completions.append(try await process(job))
                        case .task(let key, let payload):
                            try await runTask(job, key: key, payload: payload)
                            record(job, outcome: "done", since: started)
                        }
                    } catch let error where !(error is CancellationError) {
                        await handle(error, of: job, since: started)
                    }
                }
                return (completions, [])
            }
        } catch {
            // Cancelled (the jobs are given back; one already recorded has no lease to give) or
            // every lease lost.
            for job in jobs { await handle(error, of: job, since: started) }
            return
        }
        for job in unstarted { await handle(CancellationError(), of: job, since: started) }
        await complete(completions, since: started)
    }

    /// In one transaction; should it fail (an output PostgreSQL refuses), each stage is completed
    /// alone, so one stage's unstorable output fails only its own asset.
    private func complete(_ completions: [StageCompletion], since started: ContinuousClock.Instant) async {
        guard !completions.isEmpty else { return }
        let lost: Set<Int64>
        do {
            lost = try await catalog.jobs.complete(completions, actor: actor)
        } catch {
            guard completions.count > 1 else {
                return await handle(error, of: completions[0].job, since: started)
            }
            logger.warning(
                "a batch completion failed; completing its stages one by one",
                metadata: ["error": "\(DatabaseFailure(error))"])
            for completion in completions { await complete([completion], since: started) }
            return
        }
        for completion in completions {
            if lost.contains(completion.job.id) {
                await handle(LeaseLost(jobID: completion.job.id), of: completion.job, since: started)
            } else {
                record(completion.job, outcome: "done", since: started)
            }
        }
    }

    /// Runs the stage on the asset the claim read (or reads it, for a job claimed alone).
    private func process(_ job: ClaimedJob) async throws -> StageCompletion {
        guard case .asset(let assetID) = job.subject else { preconditionFailure("tasks run in runTask") }
        guard let stage = pipeline.stage(named: job.stage) else {
            throw UnprocessableContent("no stage named '\(job.stage)' in this build of afa")
        }
        var asset = job.asset
        if asset == nil { asset = try await catalog.assets.find(assetID) }
        guard let asset else {
            throw UnprocessableContent("asset \(assetID) no longer exists")
        }
        let output = try await stage.process(asset)
        let pipeline = self.pipeline
        return StageCompletion(
            job: job, version: stage.version, output: output,
            followUps: { pipeline.followUps(after: stage.name, kind: asset.kind, states: $0) })
    }

    private func handle(_ error: any Error, of job: ClaimedJob, since started: ContinuousClock.Instant) async {
        let logger = logger(for: job)
        switch error {
        case is CancellationError:
            // Shutting down hard: give the job back untouched for another worker. In a task of
            // its own, since this one is cancelled and the pool would refuse it a connection.
            let jobs = catalog.jobs
            await Task { try? await jobs.release(job) }.value
            logger.info("released job on shutdown")
        case let error as LeaseLost:
            record(job, outcome: "lease_lost", since: started)
            logger.warning("\(error)")
        case let error as UnprocessableContent:
            await fail(job, reason: error.reason, retryable: false, logger: logger)
            record(job, outcome: "failed", since: started)
        default:
            // Shown to the asset's owner (status, lineage): the database's own text, which may
            // quote constraint names and values, stays in the server log.
            logger.warning("job error", metadata: ["error": "\(DatabaseFailure(error))"])
            await fail(job, reason: Self.clientFacing(error), retryable: true, logger: logger)
            record(job, outcome: "error", since: started)
        }
    }

    private func logger(for job: ClaimedJob) -> Logger {
        var logger = logger
        logger[metadataKey: "job"] = "\(job.id)"
        logger[metadataKey: "subject"] = "\(job.lineageSubject)"
        logger[metadataKey: "stage"] = "\(job.stage)"
        return logger
    }

    private func runTask(_ job: ClaimedJob, key: String, payload: JSONValue) async throws {
        guard let handler = pipeline.task(kind: job.stage) else {
            throw UnprocessableContent("no task kind '\(job.stage)' in this build of afa")
        }
        let detail = try await handler.run(key: key, payload: payload)
        let next = handler.nextRun(maxAttempts: configuration.retry.maxAttempts)
        try await catalog.jobs.completeTask(job, detail: detail, actor: actor, next: next)
    }

    private func fail(_ job: ClaimedJob, reason: String, retryable: Bool, logger: Logger) async {
        logger.warning("stage failed", metadata: ["reason": "\(reason)", "retryable": "\(retryable)"])
        do {
            try await catalog.jobs.fail(
                job, reason: reason, retryable: retryable,
                backoff: configuration.retry.delay(afterAttempt: job.attempt), actor: actor)
        } catch {
            // The lease will expire and the job will be retried; nothing is lost.
            logger.error("could not record the failure: \(error)")
        }
    }

    /// Extends the leases every third of their length while `body` runs, so long stages (a video)
    /// are not taken over by another worker while still making progress. Once every lease is
    /// lost, `body` is cancelled: its results could no longer be recorded. A database error in
    /// between is not a lost lease.
    private func withLeaseHeartbeat<T: Sendable>(
        _ jobs: [ClaimedJob], _ body: @Sendable @escaping () async throws -> T
    )
        async throws -> T
    {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                var held = jobs
                while true {
                    try await Task.sleep(for: configuration.lease / 3)
                    // A failed extension is tried again at the next beat: the lease is not lost
                    // until it expires, and a completion then finds out which ones were.
                    guard let still = try? await catalog.jobs.extendLeases(held, by: configuration.lease) else {
                        try Task.checkCancellation()
                        logger.warning("could not extend the leases of running jobs; trying again")
                        continue
                    }
                    held.removeAll { !still.contains($0.id) }
                    if held.isEmpty { throw LeaseLost(jobID: jobs[0].id) }
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
