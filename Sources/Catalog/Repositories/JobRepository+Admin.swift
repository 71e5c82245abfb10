import Foundation
import PostgresNIO

extension JobRepository {
    /// Queue depth by state, for `/metrics` and the admin overview.
    public func countsByState() async throws -> [JobState: Int] {
        var counts: [JobState: Int] = [:]
        let rows = try await client.query("SELECT state, count(*)::int FROM jobs GROUP BY state", logger: logger)
        for try await (state, count) in rows.decode((String, Int).self) {
            counts[try .decoded(state, column: "jobs.state")] = count
        }
        return counts
    }

    public func list(state: JobState, limit: Int) async throws -> [JobSummary] {
        let rows = try await client.query(
            """
            SELECT id, asset_id, stage, state, attempts, last_error FROM jobs
            WHERE state = \(state.rawValue) ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var jobs: [JobSummary] = []
        for try await (id, assetID, stage, state, attempts, error) in rows.decode(
            (Int64, UUID, String, String, Int, String?).self)
        {
            jobs.append(
                JobSummary(
                    id: id, assetID: assetID, stage: stage, state: try .decoded(state, column: "jobs.state"),
                    attempts: attempts, lastError: error))
        }
        return jobs
    }

    /// Puts a dead or failed job back in the queue with fresh attempts; false if it is not one.
    public func retry(jobID: Int64, actor: String) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE jobs SET state = 'queued', attempts = 0, run_after = now(), updated_at = now()
                WHERE id = \(jobID) AND state IN ('dead', 'failed')
                RETURNING asset_id, stage
                """, logger: logger)
            for try await (assetID, stage) in rows.decode((UUID, String).self) {
                try await connection.query(
                    "UPDATE assets SET status = 'processing', updated_at = now() WHERE id = \(assetID)", logger: logger)
                try await LineageLog.append(
                    NewLineageEvent(
                        actor: actor, action: "stage.\(stage).retried", detail: ["job_id": .number(Double(jobID))]),
                    to: assetID, on: connection, logger: logger)
                try await Self.notifyWorkers(on: connection, logger: logger)
                return true
            }
            return false
        }
    }
}
