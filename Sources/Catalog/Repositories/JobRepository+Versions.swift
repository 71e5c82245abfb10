import Foundation
import Logging
import PostgresNIO

/// Which assets a reprocessing request covers.
public struct AssetFilter: Sendable, Equatable {
    public var kind: AssetKind?
    public var owner: String?

    public init(kind: AssetKind? = nil, owner: String? = nil) {
        self.kind = kind
        self.owner = owner
    }
}

extension JobRepository {
    /// Puts back in the queue, for at most `limit` assets, a stage whose result was made by
    /// another version. The old result stays where it is until the new run's completion replaces
    /// it; the stages that require this one run again after it (the graph's follow-ups). Returns
    /// how many were requeued: call again until it returns 0.
    public func requeueOutdated(_ stage: StageReference, limit: Int) async throws -> Int {
        let rows = try await client.query(
            """
            WITH picked AS (
                SELECT id FROM jobs
                WHERE stage = \(stage.name) AND state = 'done' AND version <> \(stage.version) AND asset_id IS NOT NULL
                ORDER BY id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            ), requeued AS (
                UPDATE jobs SET state = 'queued', version = \(stage.version), attempts = 0, last_error = NULL,
                    run_after = now(), updated_at = now()
                WHERE id IN (SELECT id FROM picked)
                RETURNING asset_id
            ), touched AS (
                UPDATE assets SET status = 'processing', updated_at = now()
                WHERE id IN (SELECT asset_id FROM requeued) AND status = 'ready'
            )
            SELECT count(*)::int, CASE WHEN count(*) > 0 THEN pg_notify(\(Self.channel), '')::text END
            FROM requeued
            """, logger: logger)
        for try await (count, _) in rows.decode((Int, String?).self) { return count }
        return 0
    }

    /// Enqueues a stage the assets have never run (it is new in this build, or was added to
    /// the graph later) for at most `limit` assets of `kinds` whose required stages are done.
    public func enqueueMissing(
        _ stage: StageReference, requires: [String], kinds: [AssetKind], maxAttempts: Int, limit: Int,
        filter: AssetFilter = AssetFilter()
    ) async throws -> Int {
        let rows = try await client.query(
            """
            WITH picked AS (
                SELECT a.id FROM assets a
                WHERE a.kind = ANY(\(kinds.map(\.rawValue)))
                  AND (\(filter.kind?.rawValue)::text IS NULL OR a.kind = \(filter.kind?.rawValue))
                  AND (\(filter.owner)::text IS NULL OR a.owner = \(filter.owner))
                  AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.asset_id = a.id AND j.stage = \(stage.name))
                  AND (SELECT count(*) FROM jobs r
                       WHERE r.asset_id = a.id AND r.stage = ANY(\(requires)) AND r.state IN ('done', 'skipped'))
                      = \(requires.count)
                ORDER BY a.id LIMIT \(limit)
            ), inserted AS (
                INSERT INTO jobs (asset_id, stage, version, state, max_attempts)
                SELECT id, \(stage.name), \(stage.version), 'queued', \(maxAttempts) FROM picked
                ON CONFLICT (asset_id, stage) DO NOTHING
                RETURNING asset_id
            ), touched AS (
                UPDATE assets SET status = 'processing', updated_at = now()
                WHERE id IN (SELECT asset_id FROM inserted) AND status = 'ready'
            )
            SELECT count(*)::int, CASE WHEN count(*) > 0 THEN pg_notify(\(Self.channel), '')::text END
            FROM inserted
            """, logger: logger)
        for try await (count, _) in rows.decode((Int, String?).self) { return count }
        return 0
    }

    /// `afa reprocess`: runs a stage again for every matching asset that has finished it (done,
    /// failed or dead), whatever its version, and records who asked on the request's own chain.
    /// The stages that require it follow, as after any completion.
    public func reprocess(_ stage: StageReference, filter: AssetFilter, actor: String) async throws -> Int {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                WITH requeued AS (
                    UPDATE jobs j SET state = 'queued', version = \(stage.version), attempts = 0, last_error = NULL,
                        run_after = now(), updated_at = now()
                    FROM assets a
                    WHERE j.asset_id = a.id AND j.stage = \(stage.name) AND j.state IN ('done', 'failed', 'dead')
                      AND (\(filter.kind?.rawValue)::text IS NULL OR a.kind = \(filter.kind?.rawValue))
                      AND (\(filter.owner)::text IS NULL OR a.owner = \(filter.owner))
                    RETURNING j.asset_id
                ), touched AS (
                    UPDATE assets SET status = 'processing', updated_at = now()
                    WHERE id IN (SELECT asset_id FROM requeued)
                )
                SELECT count(*)::int FROM requeued
                """, logger: logger)
            var count = 0
            for try await value in rows.decode(Int.self) { count = value }
            var detail: [String: JSONValue] = [
                "stage": .string(stage.name), "version": .string(stage.version), "requeued": .number(Double(count)),
            ]
            if let kind = filter.kind { detail["kind"] = .string(kind.rawValue) }
            if let owner = filter.owner { detail["owner"] = .string(owner) }
            try await LineageLog.append(
                NewLineageEvent(actor: actor, action: "stage.\(stage.name).reprocess", detail: .object(detail)),
                to: .other(.task, key: "reprocess:\(stage.name)"), on: connection, logger: logger)
            if count > 0 { try await Self.notifyWorkers(on: connection, logger: logger) }
            return count
        }
    }
}
