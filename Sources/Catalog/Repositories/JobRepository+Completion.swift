import Foundation
import Logging
import PostgresNIO

extension JobRepository {
    /// Records a stage's result: the job's `done` with the version that made it, every output,
    /// the lineage event, the follow-up stages and the asset's new status, in one transaction
    /// guarded by the lease token: if the lease was lost, nothing of it commits.
    ///
    /// The follow-ups are planned from the states of the asset's stages read after the asset's
    /// lock is taken, so two branches of the graph finishing at once cannot both miss the stage
    /// that requires them both: the second to take the lock sees the first one done.
    public func complete(
        _ job: ClaimedJob, version: String, output: StageOutput, actor: String, followUps: FollowUpPlanner
    ) async throws {
        guard case .asset(let assetID) = job.subject else {
            preconditionFailure("complete(_:version:…) is for asset stages; tasks use completeTask")
        }
        try await client.transaction(logger: logger) { connection in
            // The asset's lock, the lease check and the metadata in one round trip. The lock comes
            // first (the job's update waits for it), as in every other transaction that touches an
            // asset's rows and chain: a failure or an admin retry on a sibling stage cannot deadlock
            // with this completion.
            let finished = FinishStage(
                lockName: LineageLog.lockName(assetID), version: version, jobID: job.id, leaseToken: job.leaseToken,
                metadata: output.metadata.jsonText)
            var leaseHeld = false
            for try await _ in try await connection.execute(finished, logger: logger) { leaseHeld = true }
            guard leaseHeld else { throw LeaseLost(jobID: job.id) }
            try await StageOutputWriter(assetID: assetID, stage: StageReference(name: job.stage, version: version))
                .write(output, on: connection, logger: logger)
            var detail = output.detail.objectValue ?? [:]
            detail["version"] = .string(version)
            // The event, and the states of the asset's stages read after the lock: what is planned
            // next sees every sibling that finished before this one.
            var states: [String: JobState] = [:]
            let recorded = RecordDoneReadStages(
                assetID: assetID, actor: actor, action: "stage.\(job.stage).done",
                detail: JSONValue.object(detail).jsonText)
            for try await row in try await connection.execute(recorded, logger: logger) {
                let (stage, state) = try row.decode((String, String).self)
                states[stage] = try .decoded(state, column: "jobs.state")
            }
            try await Self.advance(
                assetID, states: states, maxAttempts: job.maxAttempts, plan: followUps, actor: actor,
                on: connection, logger: logger)
        }
    }

    /// Enqueues (or marks skipped) what the graph says comes next, and sets the asset's status
    /// from all of its stages: failed if one failed, processing while one is open, else ready.
    /// The caller holds the asset's lock and read `states` after taking it.
    static func advance(
        _ assetID: UUID, states current: [String: JobState], maxAttempts: Int, plan: FollowUpPlanner, actor: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        var states = current
        let followUps = plan(states)
        for followUp in followUps { states[followUp.stage] = followUp.skipReason == nil ? .queued : .skipped }
        let status: AssetStatus =
            states.values.contains(where: \.isFailure)
            ? .failed
            : states.values.contains(where: \.isOpen) ? .processing : .ready
        let input = JSONValue.array(
            followUps.map {
                [
                    "stage": .string($0.stage), "version": .string($0.version),
                    "skip_reason": $0.skipReason.map { .string($0) } ?? .null,
                ]
            }
        ).jsonText
        let planned = EnqueueFollowUps(
            followUps: input, assetID: assetID, maxAttempts: maxAttempts, status: status,
            wakeWorkers: followUps.contains { $0.skipReason == nil })
        try await connection.run(planned, logger: logger)
        for skipped in followUps where skipped.skipReason != nil {
            try await LineageLog.append(
                NewLineageEvent(
                    actor: actor, action: "stage.\(skipped.stage).skipped",
                    detail: ["reason": .string(skipped.skipReason ?? "")]),
                to: assetID, on: connection, logger: logger, lockHeld: true)
        }
    }

    /// A failure. Retryable ones go back to the queue after `backoff` until attempts run out
    /// (then `dead`); content that cannot be processed fails at once. Either way the reason is
    /// kept on the job and, when final, on the subject's lineage. A final failure of an asset's
    /// stage fails the asset: the stages that require it are never enqueued.
    public func fail(_ job: ClaimedJob, reason: String, retryable: Bool, backoff: Duration, actor: String) async throws
    {
        let final = !retryable || job.attempt >= job.maxAttempts
        let state: JobState = final ? (retryable ? .dead : .failed) : .queued
        try await client.transaction(logger: logger) { connection in
            guard final else {
                if try await Self.supersede(job, on: connection, logger: logger) { return }
                try await Self.releaseLease(of: job, to: state, error: reason, on: connection, logger: logger)
                try await connection.query(
                    "UPDATE jobs SET run_after = now() + \(backoff.seconds) * interval '1 second' WHERE id = \(job.id)",
                    logger: logger)
                return
            }
            // The lock first, as every completion takes it: the status set here is not overwritten
            // by a branch of the graph completing at the same moment.
            try await LineageLog.lock(job.lineageSubject, on: connection, logger: logger)
            try await Self.releaseLease(of: job, to: state, error: reason, on: connection, logger: logger)
            if case .asset(let assetID) = job.subject {
                try await connection.query(
                    "UPDATE assets SET status = 'failed', updated_at = now() WHERE id = \(assetID)", logger: logger)
            }
            try await LineageLog.append(
                NewLineageEvent(
                    actor: actor, action: "\(job.actionPrefix).\(state.rawValue)",
                    detail: ["error": .string(reason), "attempts": .number(Double(job.attempt))]),
                to: job.lineageSubject, on: connection, logger: logger, lockHeld: true)
        }
    }
}

extension ClaimedJob {
    /// Lineage actions: `stage.<name>.done` for an asset's stage, `task.<kind>.done` for a task.
    var actionPrefix: String {
        switch subject {
        case .asset: return "stage.\(stage)"
        case .task: return "task.\(stage)"
        }
    }
}

/// The first statement of a completion: the asset's lock, then `done` if the lease still holds,
/// and the stage's metadata.
private struct FinishStage: HotStatement {
    static let sql = """
        WITH locked AS (
            SELECT pg_advisory_xact_lock(hashtextextended($1, 0)), \(JobRepository.asynchronousCommit)
        ), job AS (
            UPDATE jobs SET state = 'done', version = $2, lease_token = NULL, lease_until = NULL,
                last_error = NULL, updated_at = now()
            WHERE id = $3 AND lease_token = $4 AND state = 'processing' AND EXISTS (SELECT 1 FROM locked)
            RETURNING asset_id
        ), asset AS (
            UPDATE assets SET metadata = metadata || $5::jsonb, updated_at = now()
            WHERE id = (SELECT asset_id FROM job)
        )
        SELECT 1 FROM job
        """

    let lockName: String
    let version: String
    let jobID: Int64
    let leaseToken: UUID
    let metadata: String

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(lockName)
        bindings.append(version)
        bindings.append(jobID)
        bindings.append(leaseToken)
        bindings.append(metadata)
        return bindings
    }
}

/// The `stage.<name>.done` event on the asset's chain (its lock held), and every stage's state.
private struct RecordDoneReadStages: HotStatement {
    static let sql = """
        WITH \(LineageLog.assetAppendCTEs)
        SELECT stage, state FROM jobs WHERE asset_id = $1
        """

    let assetID: UUID
    let actor: String
    let action: String
    let detail: String

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(assetID)
        bindings.append(actor)
        bindings.append(action)
        bindings.append(detail)
        return bindings
    }
}

/// The follow-ups of a completion (only a stage that is not open is reset: one already queued
/// or running keeps its row), the asset's status, and a NOTIFY when a stage was queued.
private struct EnqueueFollowUps: HotStatement {
    static let sql = """
        WITH input AS (
            SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(stage text, version text, skip_reason text)
        ), upserted AS (
            INSERT INTO jobs (asset_id, stage, version, skip_reason, state, max_attempts)
            SELECT $2, stage, version, skip_reason,
                   CASE WHEN skip_reason IS NULL THEN 'queued' ELSE 'skipped' END, $3
            FROM input
            ON CONFLICT (asset_id, stage) DO UPDATE SET
                state = excluded.state, version = excluded.version, skip_reason = excluded.skip_reason,
                attempts = 0, last_error = NULL, run_after = now(), updated_at = now()
            WHERE jobs.state NOT IN ('queued', 'processing')
        ), status AS (
            UPDATE assets SET status = $4, updated_at = now() WHERE id = $2
        )
        SELECT pg_notify('\(JobRepository.channel)', '')::text WHERE $5
        """

    let followUps: String
    let assetID: UUID
    let maxAttempts: Int
    let status: AssetStatus
    let wakeWorkers: Bool

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(followUps)
        bindings.append(assetID)
        bindings.append(maxAttempts)
        bindings.append(status.rawValue)
        bindings.append(wakeWorkers)
        return bindings
    }
}
