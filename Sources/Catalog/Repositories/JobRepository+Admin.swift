import Foundation
import PostgresNIO

extension JobRepository {
    /// Queue depth by state, for `/metrics` and the admin overview. A keyed task waiting for its
    /// time (the next trash purge, an owner's debounced organise pass) is scheduled, not backlog:
    /// it is not counted as queued until it is due.
    public func countsByState() async throws -> [JobState: Int] {
        var counts: [JobState: Int] = [:]
        let rows = try await client.query(
            """
            SELECT state, count(*)::int FROM jobs
            WHERE NOT (state = 'queued' AND task_key IS NOT NULL AND run_after > now())
            GROUP BY state
            """, logger: logger)
        for try await (state, count) in rows.decode((String, Int).self) {
            counts[try .decoded(state, column: "jobs.state")] = count
        }
        return counts
    }

    public func list(state: JobState, limit: Int) async throws -> [JobSummary] {
        let rows = try await client.query(
            """
            SELECT id, asset_id, task_key, stage, state, attempts, coalesce(skip_reason, last_error) FROM jobs
            WHERE state = \(state.rawValue) ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var jobs: [JobSummary] = []
        for try await (id, assetID, taskKey, stage, state, attempts, error) in rows.decode(
            (Int64, UUID?, String?, String, String, Int, String?).self)
        {
            jobs.append(
                JobSummary(
                    id: id, assetID: assetID, taskKey: taskKey, stage: stage,
                    state: try .decoded(state, column: "jobs.state"), attempts: attempts, lastError: error))
        }
        return jobs
    }

    /// Puts a dead or failed job back in the queue with fresh attempts; false if it is not one.
    public func retry(jobID: Int64, actor: String) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            // The subject's lock before any row lock, in the order every completion takes them.
            let subjects = try await connection.query(
                "SELECT asset_id, task_key, stage FROM jobs WHERE id = \(jobID)", logger: logger)
            var found: (subject: LineageSubject, stage: String)?
            for try await (assetID, taskKey, stage) in subjects.decode((UUID?, String?, String).self) {
                found = (assetID.map { .asset($0) } ?? .other(.task, key: taskKey ?? ""), stage)
            }
            guard let (subject, stage) = found else { return false }
            try await LineageLog.lock(subject, on: connection, logger: logger)
            let rows = try await connection.query(
                """
                UPDATE jobs SET state = 'queued', attempts = 0, run_after = now(), updated_at = now()
                WHERE id = \(jobID) AND state IN ('dead', 'failed')
                  -- A task whose key already waits again is not put back beside it.
                  AND NOT EXISTS (SELECT 1 FROM jobs waiting WHERE waiting.task_key = jobs.task_key AND waiting.state = 'queued')
                RETURNING id
                """, logger: logger)
            var retried = false
            for try await _ in rows { retried = true }
            guard retried else { return false }
            if case .asset(let assetID) = subject {
                try await connection.query(
                    "UPDATE assets SET status = 'processing', updated_at = now() WHERE id = \(assetID)", logger: logger)
            }
            let prefix = if case .asset = subject { "stage" } else { "task" }
            try await LineageLog.append(
                NewLineageEvent(
                    actor: actor, action: "\(prefix).\(stage).retried", detail: ["job_id": .number(Double(jobID))]),
                to: subject, on: connection, logger: logger, lockHeld: true)
            try await Self.notifyWorkers(on: connection, logger: logger)
            return true
        }
    }
}
