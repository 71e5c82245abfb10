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
    /// it; the stages that require this one run again after it (the graph's follow-ups). An asset
    /// whose required stages are themselves queued or running is left for their completion to
    /// re-queue, so the stage never runs on a requirement's old result. Returns how many were
    /// requeued: call again until it returns fewer than `limit`.
    ///
    /// Only assets of the kinds the stage now applies to (`applicableKinds`) are touched: a
    /// stage skipped by another version runs (a semantic stage skipped while no model was
    /// installed fills in once one is), and results are kept while the stage cannot run (a model
    /// missing for one start does not fail every asset's embedding).
    public func requeueOutdated(
        _ stage: StageReference, requires: [String], applicableKinds: [AssetKind], limit: Int
    ) async throws -> Int {
        let rows = try await client.query(
            """
            WITH picked AS (
                SELECT j.id FROM jobs j JOIN assets a ON a.id = j.asset_id
                WHERE j.stage = \(stage.name) AND j.version <> \(stage.version) AND j.state IN ('done', 'skipped')
                  AND a.kind = ANY(\(applicableKinds.map(\.rawValue)))
                  AND NOT EXISTS (
                    SELECT 1 FROM jobs r
                    WHERE r.asset_id = j.asset_id AND r.stage = ANY(\(requires)) AND r.state IN ('queued', 'processing'))
                ORDER BY j.id LIMIT \(limit)
                FOR UPDATE OF j SKIP LOCKED
            ), requeued AS (
                UPDATE jobs SET state = 'queued', version = \(stage.version), attempts = 0, last_error = NULL,
                    skip_reason = NULL, run_after = now(), updated_at = now()
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

    /// Adds a stage the assets have never reached (it is new in this build, or was added to the
    /// graph later) for at most `limit` assets of `kinds` whose required stages are done or
    /// skipped: queued, or `skipped` with `skipReason` where it cannot run now, so that the
    /// stages after it still find their requirements met. `requires` names stages with rows: a
    /// stage the graph skips for these kinds is left out of it by the caller.
    public func enqueueMissing(
        _ stage: StageReference, requires: [String], kinds: [AssetKind], skipReason: String? = nil,
        maxAttempts: Int, limit: Int, filter: AssetFilter = AssetFilter()
    ) async throws -> Int {
        let state: JobState = skipReason == nil ? .queued : .skipped
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
                INSERT INTO jobs (asset_id, stage, version, state, skip_reason, max_attempts)
                SELECT id, \(stage.name), \(stage.version), \(state.rawValue), \(skipReason), \(maxAttempts) FROM picked
                ON CONFLICT (asset_id, stage) DO NOTHING
                RETURNING asset_id
            ), touched AS (
                UPDATE assets SET status = 'processing', updated_at = now()
                WHERE id IN (SELECT asset_id FROM inserted) AND status = 'ready' AND \(state == .queued)
            )
            SELECT count(*)::int, CASE WHEN count(*) > 0 THEN pg_notify(\(Self.channel), '')::text END
            FROM inserted
            """, logger: logger)
        for try await (count, _) in rows.decode((Int, String?).self) { return count }
        return 0
    }

    /// `afa reprocess`: runs a stage again, for at most `limit` matching assets that have
    /// finished it (done, failed or dead), whatever its version. The stages that require it
    /// follow, as after any completion. Batched, like every bulk change of the queue, so it never
    /// holds many rows locked: call again until it returns fewer than `limit`.
    ///
    /// The assets' locks come first, in the order of every multi-asset write, as a completion
    /// takes them: locking the jobs first deadlocked with a completion of the same asset (which
    /// holds the asset, then updates its jobs), and the request failed.
    public func reprocess(
        _ stage: StageReference, filter: AssetFilter, applicableKinds: [AssetKind], limit: Int
    ) async throws -> Int {
        let rows = try await client.query(
            """
            WITH candidates AS (
                SELECT j.id, a.id AS asset_id, a.sha256 FROM jobs j JOIN assets a ON a.id = j.asset_id
                WHERE j.stage = \(stage.name) AND j.state IN ('done', 'failed', 'dead')
                  AND a.kind = ANY(\(applicableKinds.map(\.rawValue)))
                  AND (\(filter.kind?.rawValue)::text IS NULL OR a.kind = \(filter.kind?.rawValue))
                  AND (\(filter.owner)::text IS NULL OR a.owner = \(filter.owner))
                ORDER BY j.id LIMIT \(limit)
            ), locked AS (
                SELECT count(pg_advisory_xact_lock(hashtextextended('lineage:' || ordered.asset_id::text, 0))) AS locks
                FROM (SELECT DISTINCT asset_id, sha256 FROM candidates ORDER BY sha256, asset_id OFFSET 0) ordered
            ), picked AS (
                SELECT j.id FROM jobs j
                WHERE j.id IN (SELECT id FROM candidates) AND j.state IN ('done', 'failed', 'dead')
                  AND EXISTS (SELECT 1 FROM locked)
                FOR UPDATE OF j SKIP LOCKED
            ), requeued AS (
                UPDATE jobs SET state = 'queued', version = \(stage.version), attempts = 0, last_error = NULL,
                    run_after = now(), updated_at = now()
                WHERE id IN (SELECT id FROM picked)
                RETURNING asset_id
            ), touched AS (
                UPDATE assets SET status = 'processing', updated_at = now()
                WHERE id IN (SELECT asset_id FROM requeued)
            )
            SELECT count(*)::int, CASE WHEN count(*) > 0 THEN pg_notify(\(Self.channel), '')::text END
            FROM requeued
            """, logger: logger)
        for try await (count, _) in rows.decode((Int, String?).self) { return count }
        return 0
    }

    /// Who asked for a reprocessing, and what it queued: on the chain `task:reprocess:<stage>`.
    public func recordReprocess(_ stage: StageReference, filter: AssetFilter, queued: Int, actor: String) async throws {
        var detail: [String: JSONValue] = [
            "stage": .string(stage.name), "version": .string(stage.version), "queued": .number(Double(queued)),
        ]
        if let kind = filter.kind { detail["kind"] = .string(kind.rawValue) }
        if let owner = filter.owner { detail["owner"] = .string(owner) }
        try await LineageLog(client: client, logger: logger).append(
            NewLineageEvent(actor: actor, action: "stage.\(stage.name).reprocess", detail: .object(detail)),
            to: .other(.task, key: "reprocess:\(stage.name)"))
    }
}
