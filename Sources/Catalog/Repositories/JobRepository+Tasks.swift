import Foundation
import Logging
import PostgresNIO

/// A request to run a keyed task: work that is not one asset's (a duplicate pass over an
/// owner's media, applying an approved proposal, purging the trash).
public struct TaskRequest: Sendable {
    public enum Timing: Sendable, Equatable {
        /// Run as soon as a worker is free; a second request while one waits changes nothing.
        case now
        /// Run after `delay`; a later request moves the run to `delay` after itself, so the task
        /// runs once after the last of a burst ("the duplicate pass 30 s after the last image").
        case debounced(Duration)
        /// Run after `delay`; a later request does not postpone it.
        case after(Duration)
    }

    /// The task's kind: the worker looks its handler up by this name.
    public let kind: String
    /// At most one task per key waits at a time, and at most one runs.
    public let key: String
    /// Replaced by the latest request's payload while the task waits.
    public let payload: JSONValue
    public let timing: Timing
    public let maxAttempts: Int

    /// How long after the request the task is due.
    var delay: Duration {
        switch timing {
        case .now: return .zero
        case .debounced(let delay), .after(let delay): return delay
        }
    }

    public init(kind: String, key: String, payload: JSONValue = [:], timing: Timing = .now, maxAttempts: Int = 5) {
        self.kind = kind
        self.key = key
        self.payload = payload
        self.timing = timing
        self.maxAttempts = maxAttempts
    }
}

extension JobRepository {
    /// Enqueues the task unless one with its key already waits, in which case that one is
    /// updated as `timing` says. Idempotent under any concurrency: the partial unique index on
    /// waiting keys makes every concurrent request but one an update. True when this call
    /// created the task.
    @discardableResult
    public func enqueue(_ task: TaskRequest, actor: String) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            try await Self.enqueue(task, actor: actor, on: connection, logger: logger)
        }
    }

    /// `enqueue` inside the caller's transaction: the task commits with the change that needs it
    /// (the moves an approval records and the task that performs them).
    @discardableResult
    static func enqueue(
        _ task: TaskRequest, actor: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let delay = task.delay
        let debounce = if case .debounced = task.timing { true } else { false }
        // The key's lock before its row, in the order a completing run of it takes them.
        try await LineageLog.lock(.other(.task, key: task.key), on: connection, logger: logger)
        let rows = try await connection.query(
            """
            INSERT INTO jobs (task_key, stage, payload, state, run_after, max_attempts)
            VALUES (\(task.key), \(task.kind), \(task.payload.jsonText)::jsonb, 'queued',
                    now() + \(delay.seconds) * interval '1 second', \(task.maxAttempts))
            ON CONFLICT (task_key) WHERE state = 'queued' DO UPDATE SET
                payload = excluded.payload, updated_at = now(),
                run_after = CASE WHEN \(debounce) THEN greatest(jobs.run_after, excluded.run_after)
                                 ELSE least(jobs.run_after, excluded.run_after) END
            RETURNING (xmax = 0)
            """, logger: logger)
        var created = false
        for try await inserted in rows.decode(Bool.self) { created = inserted }
        if created {
            try await LineageLog.append(
                NewLineageEvent(actor: actor, action: "task.\(task.kind).queued", detail: task.payload),
                to: .other(.task, key: task.key), on: connection, logger: logger, lockHeld: true)
        }
        if delay == .zero { try await notifyWorkers(on: connection, logger: logger) }
        return created
    }

    /// Records a task's end, guarded by the lease like a stage's: its row goes (the lineage keeps
    /// the history), and a periodic task's next run is enqueued in the same transaction.
    public func completeTask(
        _ job: ClaimedJob, detail: JSONValue, actor: String, next: TaskRequest?
    ) async throws {
        guard case .task(let key, _) = job.subject else {
            preconditionFailure("completeTask is for tasks; asset stages use complete(_:version:…)")
        }
        try await client.transaction(logger: logger) { connection in
            try await LineageLog.lock(job.lineageSubject, on: connection, logger: logger)
            let rows = try await connection.query(
                """
                DELETE FROM jobs WHERE id = \(job.id) AND lease_token = \(job.leaseToken) AND state = 'processing'
                RETURNING id, \(unescaped: Self.asynchronousCommit)
                """, logger: logger)
            var leaseHeld = false
            for try await _ in rows { leaseHeld = true }
            guard leaseHeld else { throw LeaseLost(jobID: job.id) }
            try await LineageLog.append(
                NewLineageEvent(actor: actor, action: "task.\(job.stage).done", detail: detail),
                to: .other(.task, key: key), on: connection, logger: logger, lockHeld: true)
            if let next {
                try await connection.query(
                    """
                    INSERT INTO jobs (task_key, stage, payload, state, run_after, max_attempts)
                    VALUES (\(next.key), \(next.kind), \(next.payload.jsonText)::jsonb, 'queued',
                            now() + \(next.delay.seconds) * interval '1 second', \(next.maxAttempts))
                    ON CONFLICT (task_key) WHERE state = 'queued' DO NOTHING
                    """, logger: logger)
            }
        }
    }

    /// Makes sure a task waits under `key` (a periodic task's first run), without moving an
    /// existing one. True when it had to be created.
    @discardableResult
    public func ensureScheduled(_ task: TaskRequest) async throws -> Bool {
        let rows = try await client.query(
            """
            INSERT INTO jobs (task_key, stage, payload, state, run_after, max_attempts)
            SELECT \(task.key), \(task.kind), \(task.payload.jsonText)::jsonb, 'queued',
                   now() + \(task.delay.seconds) * interval '1 second', \(task.maxAttempts)
            WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE task_key = \(task.key) AND state IN ('queued', 'processing'))
            ON CONFLICT (task_key) WHERE state = 'queued' DO NOTHING
            RETURNING id
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
