import Foundation
import Logging
import PostgresNIO

/// The durable queue: a table claimed with `FOR UPDATE SKIP LOCKED` under expiring leases. It
/// holds the stages of assets and keyed tasks alike; both are claimed, leased, retried and
/// buried the same way.
public struct JobRepository: Sendable {
    public static let channel = "afa_jobs"

    /// Evaluated inside a worker's bookkeeping statements (claim, completion, failure): their
    /// commits do not wait for the WAL to reach the disk. Losing one in a crash loses nothing
    /// that was promised: a lost claim or failure is a lease that expires, a lost completion is
    /// a stage that runs again, and stages are idempotent. What a client was promised, the
    /// ingest's commit before `202`, stays synchronous. On a machine whose disk does a few
    /// thousand flushes a second, this leaves them to the ingests.
    static let asynchronousCommit = "set_config('synchronous_commit', 'off', true)"

    let client: PostgresClient
    let logger: Logger

    /// Delivered when the transaction commits, so a worker never wakes before the job is visible.
    static func notifyWorkers(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(channel), '')", logger: logger)
    }

    /// Takes the oldest runnable job among `stages` (stage names and task kinds), or one whose
    /// lease expired (its worker died) while it still has attempts left, and marks its asset as
    /// processing, in one statement.
    ///
    /// A task whose key is already running elsewhere is passed over: its queued successor waits,
    /// so two workers never run the same task at once (`jobs_task_running` enforces it too).
    public func claim(worker: String, lease: Duration, stages: [String]) async throws -> ClaimedJob? {
        try await claim(worker: worker, lease: lease, stages: stages, limit: 1).first
    }

    /// Up to `limit` jobs in one statement, oldest first, each with its asset's row: a worker of
    /// quick stages takes a batch and completes it in one transaction (`complete(_:actor:)`), so
    /// the queue's statements are shared by the batch instead of paid per job.
    public func claim(worker: String, lease: Duration, stages: [String], limit: Int) async throws -> [ClaimedJob] {
        let claim = Claim(worker: worker, leaseSeconds: lease.seconds, stages: stages, limit: limit)
        var jobs: [ClaimedJob] = []
        for try await row in try await client.execute(claim, logger: logger) {
            let columns = try row.decode((Int64, UUID?, String?, String, String, Int, Int, UUID, String).self)
            let (id, assetID, taskKey, payload, stage, attempts, maxAttempts, token, _) = columns
            let subject: JobSubject
            var asset: AssetRecord?
            if assetID != nil {
                asset = try AssetRepository.decode(row, from: 9)
                subject = .asset(asset!.id)
            } else if let taskKey {
                subject = .task(key: taskKey, payload: JSONValue.parse(payload))
            } else {
                throw UnknownValue(column: "jobs.asset_id", value: "NULL with no task key")
            }
            jobs.append(
                ClaimedJob(
                    id: id, subject: subject, stage: stage, attempt: attempts, maxAttempts: maxAttempts,
                    leaseToken: token, asset: asset))
        }
        return jobs
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

    /// Keeps the leases of running jobs alive; returns the ids of those still held (the others
    /// were lost: their lease expired and another worker may have them).
    public func extendLeases(_ jobs: [ClaimedJob], by lease: Duration) async throws -> Set<Int64> {
        let rows = try await client.query(
            """
            UPDATE jobs SET lease_until = now() + \(lease.seconds) * interval '1 second'
            FROM unnest(\(jobs.map(\.id))::bigint[], \(jobs.map(\.leaseToken))::uuid[]) AS held(id, token)
            WHERE jobs.id = held.id AND jobs.lease_token = held.token AND jobs.state = 'processing'
            RETURNING jobs.id
            """, logger: logger)
        var held: Set<Int64> = []
        for try await id in rows.decode(Int64.self) { held.insert(id) }
        return held
    }

    /// Gives a job back untouched (graceful shutdown): the attempt does not count.
    public func release(_ job: ClaimedJob) async throws {
        try await client.transaction(logger: logger) { connection in
            if try await Self.supersede(job, on: connection, logger: logger) { return }
            try await connection.query(
                """
                UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), lease_token = NULL,
                    lease_until = NULL, leased_by = NULL, updated_at = now()
                WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND state = 'processing'
                """, logger: logger)
        }
    }

    /// A running task that must wait again, while a newer request for its key already waits,
    /// gives way to that one (which carries the latest payload): one waiting row per key.
    /// True when the job's row was removed; always false for an asset's stage.
    static func supersede(_ job: ClaimedJob, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        guard case .task = job.subject else { return false }
        let rows = try await connection.query(
            """
            DELETE FROM jobs
            WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND state = 'processing'
              AND EXISTS (SELECT 1 FROM jobs waiting WHERE waiting.task_key = jobs.task_key AND waiting.state = 'queued')
            RETURNING id
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Ends the lease of `job` in state `state`; throws `LeaseLost` when the lease was lost.
    static func releaseLease(
        of job: ClaimedJob, to state: JobState, error: String?, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let rows = try await connection.query(
            """
            UPDATE jobs SET state = \(state.rawValue), lease_token = NULL, lease_until = NULL, updated_at = now(),
                last_error = coalesce(\(error), last_error)
            WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND state = 'processing'
            RETURNING id, \(unescaped: asynchronousCommit)
            """, logger: logger)
        for try await _ in rows { return }
        throw LeaseLost(jobID: job.id)
    }
}

extension Duration {
    /// For SQL intervals: `now() + \(d.seconds) * interval '1 second'`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// The claim of `JobRepository.claim`, run by every idle worker: prepared once per connection.
/// The asset's columns follow the job's (all NULL for a task).
///
/// Up to `$4` jobs, at most one of them a job whose worker died (taken first): a batch that was
/// in flight when its worker crashed comes back a job at a time, so a job that kills its worker
/// spends its own attempts, not those of the jobs claimed with it. A row locked here but left
/// out by the outer limit is untouched, and unlocked when the claim commits.
private struct Claim: HotStatement {
    static let sql = """
        WITH claimed AS (
            UPDATE jobs SET state = 'processing', attempts = attempts + 1, lease_token = gen_random_uuid(),
                lease_until = now() + $2 * interval '1 second', leased_by = $1, updated_at = now()
            WHERE id IN (
                SELECT id FROM (
                    SELECT id, 0 AS rank FROM (
                        SELECT j.id FROM jobs j
                        WHERE j.stage = ANY($3) AND j.state = 'processing' AND j.lease_until < now()
                          AND j.attempts < j.max_attempts
                        ORDER BY j.lease_until, j.id
                        LIMIT 1
                        FOR UPDATE SKIP LOCKED
                    ) abandoned
                    UNION ALL
                    SELECT id, 1 AS rank FROM (
                        SELECT j.id FROM jobs j
                        WHERE j.stage = ANY($3) AND j.state = 'queued' AND j.run_after <= now()
                          AND (j.task_key IS NULL OR NOT EXISTS (
                            SELECT 1 FROM jobs running
                            WHERE running.task_key = j.task_key AND running.state = 'processing'
                              AND running.id <> j.id))
                        ORDER BY j.run_after, j.id
                        LIMIT $4
                        FOR UPDATE SKIP LOCKED
                    ) waiting
                ) candidates
                ORDER BY rank
                LIMIT $4
            )
            RETURNING id, asset_id, task_key, payload, stage, attempts, max_attempts, lease_token
        ), touched AS (
            UPDATE assets SET status = 'processing', updated_at = now()
            WHERE id IN (SELECT asset_id FROM claimed) AND status = 'stored'
        )
        SELECT c.id, c.asset_id, c.task_key, coalesce(c.payload, 'null')::text, c.stage, c.attempts, c.max_attempts,
               c.lease_token, \(JobRepository.asynchronousCommit), \(AssetRepository.columns(of: "a"))
        FROM claimed c LEFT JOIN assets a ON a.id = c.asset_id
        ORDER BY c.id
        """

    let worker: String
    let leaseSeconds: Double
    let stages: [String]
    let limit: Int

    func makeBindings() -> PostgresBindings { PostgresBindings(worker, leaseSeconds, stages, limit) }
}
