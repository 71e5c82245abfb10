import Foundation
import Logging
import PostgresNIO

extension JobRepository {
    /// Records a stage's result: the job's `done` with the version that made it, every output,
    /// the lineage event, the follow-up stages and the asset's new status, in one transaction
    /// guarded by the lease token: if the lease was lost, nothing of it commits.
    public func complete(
        _ job: ClaimedJob, version: String, output: StageOutput, actor: String, followUps: @escaping FollowUpPlanner
    ) async throws {
        let lost = try await complete(
            [StageCompletion(job: job, version: version, output: output, followUps: followUps)], actor: actor)
        if !lost.isEmpty { throw LeaseLost(jobID: job.id) }
    }

    /// Records the results of a batch of stages in one transaction, with the statements shared
    /// by the batch: what each completion records is what `complete(_:version:…)` records for
    /// it alone. A job whose lease was lost records nothing; its id is returned.
    ///
    /// The assets' locks are taken first, in the order of every multi-asset write (ascending
    /// SHA-256, then id), before any job row is touched. The follow-ups are planned from the
    /// states of each asset's stages read after its lock, so two branches of the graph finishing
    /// at once cannot both miss the stage that requires them both: the second to take the lock
    /// sees the first one done. Two stages of one asset in the batch are recorded in rounds, one
    /// per round, so that each event links to the one before it.
    public func complete(_ batch: [StageCompletion], actor: String) async throws -> Set<Int64> {
        guard !batch.isEmpty else { return [] }
        return try await client.transaction(logger: logger) { connection in
            var lost: Set<Int64> = []
            for round in StageCompletion.rounds(batch) {
                lost.formUnion(try await record(round, actor: actor, on: connection))
            }
            return lost
        }
    }

    /// One round: at most one completion per asset.
    private func record(
        _ round: [StageCompletion], actor: String, on connection: PostgresConnection
    ) async throws -> Set<Int64> {
        var held: Set<Int64> = []
        for try await row in try await connection.execute(FinishStages(round), logger: logger) {
            held.insert(try row.decode(Int64.self))
        }
        let recorded = round.filter { held.contains($0.job.id) }
        guard !recorded.isEmpty else { return Set(round.map(\.job.id)) }
        for completion in recorded where !completion.output.isMetadataOnly {
            try await StageOutputWriter(
                assetID: completion.assetID,
                stage: StageReference(name: completion.job.stage, version: completion.version)
            ).write(completion.output, on: connection, logger: logger)
        }
        var states: [UUID: [String: JobState]] = [:]
        let events = RecordDoneReadStages(recorded, actor: actor)
        for try await row in try await connection.execute(events, logger: logger) {
            let (assetID, stage, state) = try row.decode((UUID, String, String).self)
            states[assetID, default: [:]][stage] = try .decoded(state, column: "jobs.state")
        }
        var plans: [AssetPlan] = []
        for completion in recorded {
            var current = states[completion.assetID] ?? [:]
            let followUps = completion.followUps(current)
            for followUp in followUps { current[followUp.stage] = followUp.skipReason == nil ? .queued : .skipped }
            let status: AssetStatus =
                current.values.contains(where: \.isFailure)
                ? .failed
                : current.values.contains(where: \.isOpen) ? .processing : .ready
            plans.append(
                AssetPlan(
                    assetID: completion.assetID, followUps: followUps, status: status,
                    maxAttempts: completion.job.maxAttempts))
        }
        try await connection.run(EnqueueFollowUps(plans), logger: logger)
        for plan in plans {
            for skipped in plan.followUps where skipped.skipReason != nil {
                try await LineageLog.append(
                    NewLineageEvent(
                        actor: actor, action: "stage.\(skipped.stage).skipped",
                        detail: ["reason": .string(skipped.skipReason ?? "")]),
                    to: plan.assetID, on: connection, logger: logger, lockHeld: true)
            }
        }
        return Set(round.map(\.job.id)).subtracting(held)
    }

    /// What one asset's completion enqueues next, and its status after it.
    struct AssetPlan {
        let assetID: UUID
        let followUps: [FollowUp]
        let status: AssetStatus
        let maxAttempts: Int
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

/// The first statement of a round: every asset's lock (in the order of every multi-asset
/// write), then `done` for each job whose lease still holds, and each stage's metadata. Returns
/// the jobs recorded.
private struct FinishStages: HotStatement {
    static let sql = """
        WITH input AS (
            SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, token uuid, version text, asset_id uuid,
                                                              metadata jsonb)
        ), locked AS (
            SELECT count(pg_advisory_xact_lock(hashtextextended('lineage:' || ordered.id::text, 0))) AS locks,
                   \(JobRepository.asynchronousCommit)
            FROM (SELECT a.id FROM input JOIN assets a ON a.id = input.asset_id ORDER BY a.sha256, a.id OFFSET 0) ordered
        ), job AS (
            UPDATE jobs SET state = 'done', version = input.version, lease_token = NULL, lease_until = NULL,
                last_error = NULL, updated_at = now()
            FROM input
            WHERE jobs.id = input.id AND jobs.lease_token = input.token AND jobs.state = 'processing'
              AND EXISTS (SELECT 1 FROM locked)
            RETURNING jobs.id, jobs.asset_id
        ), asset AS (
            UPDATE assets SET metadata = assets.metadata || input.metadata, updated_at = now()
            FROM input JOIN job ON job.id = input.id
            WHERE assets.id = input.asset_id
        )
        SELECT id FROM job
        """

    let input: String

    init(_ round: [StageCompletion]) {
        input =
            JSONValue.array(
                round.map {
                    [
                        "id": .number(Double($0.job.id)), "token": .string($0.job.leaseToken.uuidString),
                        "version": .string($0.version), "asset_id": .string($0.assetID.uuidString),
                        "metadata": $0.output.metadata,
                    ]
                }
            ).jsonText
    }

    func makeBindings() -> PostgresBindings { PostgresBindings(input) }
}

/// Each recorded stage's `stage.<name>.done` event on its asset's chain (the locks held), then
/// the state of every stage of those assets.
private struct RecordDoneReadStages: HotStatement {
    static let sql = """
        WITH input AS (
            SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(asset_id uuid, action text, detail jsonb)
        ), event AS (
            SELECT input.asset_id, coalesce(previous.seq, 0) + 1 AS seq, clock_timestamp() AS at, $2::text AS actor,
                   input.action, input.detail, previous.hash AS prev_hash
            FROM input
            LEFT JOIN LATERAL (
                SELECT seq, hash FROM lineage WHERE asset_id = input.asset_id ORDER BY seq DESC LIMIT 1
            ) previous ON true
        ), appended AS (
            INSERT INTO lineage (asset_id, seq, at, actor, action, detail, prev_hash, hash)
            SELECT asset_id, seq, at, actor, action, detail, prev_hash, \(LineageHash.sqlExpression)
            FROM event
        )
        SELECT asset_id, stage, state FROM jobs WHERE asset_id IN (SELECT asset_id FROM input)
        """

    let input: String
    let actor: String

    init(_ recorded: [StageCompletion], actor: String) {
        input =
            JSONValue.array(
                recorded.map { completion in
                    var detail = completion.output.detail.objectValue ?? [:]
                    detail["version"] = .string(completion.version)
                    return [
                        "asset_id": .string(completion.assetID.uuidString),
                        "action": .string("stage.\(completion.job.stage).done"), "detail": .object(detail),
                    ]
                }
            ).jsonText
        self.actor = actor
    }

    func makeBindings() -> PostgresBindings { PostgresBindings(input, actor) }
}

/// The follow-ups of a round (only a stage that is not open is reset: one already queued or
/// running keeps its row), each asset's status, and a NOTIFY when a stage was queued.
private struct EnqueueFollowUps: HotStatement {
    static let sql = """
        WITH input AS (
            SELECT * FROM jsonb_to_recordset($1::jsonb)
                AS x(asset_id uuid, stage text, version text, skip_reason text, max_attempts int)
        ), upserted AS (
            INSERT INTO jobs (asset_id, stage, version, skip_reason, state, max_attempts)
            SELECT asset_id, stage, version, skip_reason,
                   CASE WHEN skip_reason IS NULL THEN 'queued' ELSE 'skipped' END, max_attempts
            FROM input
            ON CONFLICT (asset_id, stage) DO UPDATE SET
                state = excluded.state, version = excluded.version, skip_reason = excluded.skip_reason,
                attempts = 0, last_error = NULL, run_after = now(), updated_at = now()
            WHERE jobs.state NOT IN ('queued', 'processing')
        ), status AS (
            UPDATE assets SET status = x.status, updated_at = now()
            FROM jsonb_to_recordset($2::jsonb) AS x(asset_id uuid, status text)
            WHERE assets.id = x.asset_id
        )
        SELECT pg_notify('\(JobRepository.channel)', '')::text WHERE $3
        """

    let followUps: String
    let statuses: String
    let wakeWorkers: Bool

    init(_ plans: [JobRepository.AssetPlan]) {
        followUps =
            JSONValue.array(
                plans.flatMap { plan in
                    plan.followUps.map {
                        [
                            "asset_id": .string(plan.assetID.uuidString), "stage": .string($0.stage),
                            "version": .string($0.version), "skip_reason": $0.skipReason.map { .string($0) } ?? .null,
                            "max_attempts": .number(Double(plan.maxAttempts)),
                        ]
                    }
                }
            ).jsonText
        statuses =
            JSONValue.array(
                plans.map { ["asset_id": .string($0.assetID.uuidString), "status": .string($0.status.rawValue)] }
            ).jsonText
        wakeWorkers = plans.contains { $0.followUps.contains { $0.skipReason == nil } }
    }

    func makeBindings() -> PostgresBindings { PostgresBindings(followUps, statuses, wakeWorkers) }
}
