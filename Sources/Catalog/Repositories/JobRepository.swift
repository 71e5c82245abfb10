import Foundation
import Logging
import PostgresNIO

/// The durable queue: a table claimed with `FOR UPDATE SKIP LOCKED` under expiring leases.
public struct JobRepository: Sendable {
    public static let channel = "afa_jobs"

    let client: PostgresClient
    let logger: Logger

    static func enqueue(
        assetID: UUID, stage: String, maxAttempts: Int, on connection: PostgresConnection, logger: Logger
    )
        async throws
    {
        try await connection.query(
            """
            INSERT INTO jobs (asset_id, stage, state, max_attempts) VALUES (\(assetID), \(stage), 'queued', \(maxAttempts))
            ON CONFLICT (asset_id, stage) DO NOTHING
            """, logger: logger)
    }

    /// Delivered when the transaction commits, so a worker never wakes before the job is visible.
    static func notifyWorkers(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(channel), '')", logger: logger)
    }

    /// Takes the oldest runnable job, or one whose lease expired (its worker died) while it
    /// still has attempts left, and marks its asset as processing, in one statement.
    public func claim(worker: String, lease: Duration) async throws -> ClaimedJob? {
        let rows = try await client.query(
            """
            WITH claimed AS (
                UPDATE jobs SET state = 'processing', attempts = attempts + 1, lease_token = gen_random_uuid(),
                    lease_until = now() + \(lease.seconds) * interval '1 second', leased_by = \(worker),
                    updated_at = now()
                WHERE id = (
                    SELECT id FROM jobs
                    WHERE (state = 'queued' AND run_after <= now())
                       OR (state = 'processing' AND lease_until < now() AND attempts < max_attempts)
                    ORDER BY run_after, id
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED
                )
                RETURNING id, asset_id, stage, attempts, max_attempts, lease_token
            ), touched AS (
                UPDATE assets SET status = 'processing', updated_at = now()
                WHERE id = (SELECT asset_id FROM claimed) AND status = 'stored'
            )
            SELECT id, asset_id, stage, attempts, max_attempts, lease_token FROM claimed
            """, logger: logger)
        for try await (id, assetID, stage, attempts, maxAttempts, token) in rows.decode(
            (Int64, UUID, String, Int, Int, UUID).self)
        {
            return ClaimedJob(
                id: id, assetID: assetID, stage: stage, attempt: attempts, maxAttempts: maxAttempts, leaseToken: token)
        }
        return nil
    }

    /// Declares dead the jobs whose lease expired on their last attempt (the worker died every
    /// time). Run periodically by each worker pool; returns how many it buried.
    @discardableResult
    public func buryExpiredLastAttempts() async throws -> Int {
        let rows = try await client.query(
            """
            WITH buried AS (
                UPDATE jobs SET state = 'dead', lease_token = NULL, lease_until = NULL, updated_at = now(),
                    last_error = coalesce(last_error || '; ', '') || 'lease expired on the last attempt (worker lost)'
                WHERE state = 'processing' AND lease_until < now() AND attempts >= max_attempts
                RETURNING asset_id
            ), failed AS (
                UPDATE assets SET status = 'failed', updated_at = now() WHERE id IN (SELECT asset_id FROM buried)
            )
            SELECT count(*)::int FROM buried
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Keeps a long-running job's lease alive; false when the lease was already lost.
    public func extendLease(_ job: ClaimedJob, by lease: Duration) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE jobs SET lease_until = now() + \(lease.seconds) * interval '1 second'
            WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND state = 'processing'
            RETURNING id
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Records the stage's result, its lineage event and the next stage in one transaction,
    /// guarded by the lease token: if the lease was lost, nothing of it commits.
    public func complete(_ job: ClaimedJob, with completion: StageCompletion, actor: String) async throws {
        try await client.transaction(logger: logger) { connection in
            // The lease check, the asset's new state and the lineage lock in one round trip.
            let finalStatus = completion.nextStage == nil ? "ready" : "processing"
            let rows = try await connection.query(
                """
                WITH job AS (
                    UPDATE jobs SET state = 'done', lease_token = NULL, lease_until = NULL, updated_at = now()
                    WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND state = 'processing'
                    RETURNING asset_id
                ), asset AS (
                    UPDATE assets SET metadata = metadata || \(completion.metadata.jsonText)::jsonb,
                        status = \(finalStatus), updated_at = now()
                    WHERE id = (SELECT asset_id FROM job)
                )
                SELECT pg_advisory_xact_lock(hashtextextended(\(LineageLog.lockName(job.assetID)), 0)) FROM job
                """, logger: logger)
            var leaseHeld = false
            for try await _ in rows { leaseHeld = true }
            guard leaseHeld else { throw LeaseLost(jobID: job.id) }
            try await LineageLog.append(
                NewLineageEvent(actor: actor, action: "stage.\(job.stage).done", detail: completion.lineageDetail),
                to: job.assetID, on: connection, logger: logger, lockHeld: true)
            if let next = completion.nextStage {
                try await Self.enqueue(
                    assetID: job.assetID, stage: next, maxAttempts: job.maxAttempts, on: connection, logger: logger)
                try await Self.notifyWorkers(on: connection, logger: logger)
            }
        }
    }

    /// A failure. Retryable ones go back to the queue after `backoff` until attempts run out
    /// (then `dead`); content that cannot be processed fails at once. Either way the reason is
    /// kept on the job and, when final, on the asset's lineage.
    public func fail(_ job: ClaimedJob, reason: String, retryable: Bool, backoff: Duration, actor: String) async throws
    {
        let final = !retryable || job.attempt >= job.maxAttempts
        let state = final ? (retryable ? "dead" : "failed") : "queued"
        try await client.transaction(logger: logger) { connection in
            try await Self.releaseLease(of: job, to: state, error: reason, on: connection, logger: logger)
            if final {
                try await connection.query(
                    "UPDATE assets SET status = 'failed', updated_at = now() WHERE id = \(job.assetID)", logger: logger)
                try await LineageLog.append(
                    NewLineageEvent(
                        actor: actor, action: "stage.\(job.stage).\(state)",
                        detail: ["error": .string(reason), "attempts": .number(Double(job.attempt))]),
                    to: job.assetID, on: connection, logger: logger)
            } else {
                try await connection.query(
                    "UPDATE jobs SET run_after = now() + \(backoff.seconds) * interval '1 second' WHERE id = \(job.id)",
                    logger: logger)
            }
        }
    }

    /// Gives a job back untouched (graceful shutdown): the attempt does not count.
    public func release(_ job: ClaimedJob) async throws {
        try await client.query(
            """
            UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), lease_token = NULL,
                lease_until = NULL, leased_by = NULL, updated_at = now()
            WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND state = 'processing'
            """, logger: logger)
    }

    private static func releaseLease(
        of job: ClaimedJob, to state: String, error: String?, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let rows = try await connection.query(
            """
            UPDATE jobs SET state = \(state), lease_token = NULL, lease_until = NULL, updated_at = now(),
                last_error = coalesce(\(error), last_error)
            WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND state = 'processing'
            RETURNING id
            """, logger: logger)
        for try await _ in rows { return }
        throw LeaseLost(jobID: job.id)
    }
}

extension Duration {
    /// For SQL intervals: `now() + \(d.seconds) * interval '1 second'`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
