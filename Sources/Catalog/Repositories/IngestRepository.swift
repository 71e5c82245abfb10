import Foundation
import Logging
import PostgresNIO

/// Records one accepted request: assets, lineage and first jobs commit together or not at all.
public struct IngestRepository: Sendable {
    public struct Receipt: Sendable, Equatable {
        public let requestID: UUID
        public let assetIDs: [UUID]
    }

    let client: PostgresClient
    let logger: Logger
    let wakeUps: WorkerWakeUps
    let grouped: GroupedIngests

    /// Repeats of the same bytes inside one request are recorded once, with a count: a request
    /// of 10,000 identical documents is one asset, one lineage event and one item, not 10,000.
    /// The receipt still names an asset for every item sent, in order.
    ///
    /// Lock order: every write touches assets in ascending SHA-256 order (the unique index on
    /// `(owner, sha256)` for new ones, the lineage lock for repeats), so two requests with the
    /// same parts in different orders wait for each other instead of deadlocking. Conflicts the
    /// order cannot rule out are retried (`retryingConflicts`).
    ///
    /// `placement` writes the request's JSON documents into their collections in the same
    /// transaction, so a document is never recorded without its place (nor placed unrecorded).
    public func record(
        owner: String, assets: [NewAsset], firstStage: StageReference, maxAttempts: Int, actor: String,
        placement: DocumentPlacement? = nil
    ) async throws -> Receipt {
        let request = RequestContext(
            id: UUID(), owner: owner, firstStage: firstStage, maxAttempts: maxAttempts, actor: actor)
        let batch = DistinctAssets(assets, requestID: request.id)
        let (ids, queued) = try await client.retryingConflicts(logger: logger) {
            try await record(batch, request, placement: placement)
        }
        if queued { wakeUps.ring() }
        return Receipt(requestID: request.id, assetIDs: batch.positions.map { ids[$0]! })
    }

    /// Asset ids by SHA-256, and whether a job was queued (a new asset not settled at ingest).
    private func record(
        _ batch: DistinctAssets, _ request: RequestContext, placement: DocumentPlacement?
    ) async throws -> ([String: UUID], Bool) {
        // The commonest request, one new item (a document with its placement), shares its
        // transaction with the requests arriving at the same moment (`GroupedIngests`).
        var knownRepeat = false
        if batch.items.count == 1, placement?.groups.count ?? 0 <= 1 {
            let item = batch.items[0]
            let inserted = try await grouped.insert(
                item.newAssetRow(request), of: request.id, owner: request.owner, placement: placement)
            if let inserted, !inserted.isEmpty { return (inserted, item.queuesWork(request)) }
            // Only a repeat makes the shared write record nothing: no need to insert it again.
            knownRepeat = inserted != nil
        }
        return try await client.transaction(logger: logger) { connection in
            var ids = knownRepeat ? [:] : try await insertNew(batch, request, on: connection)
            let queued = batch.items.contains { ids[$0.asset.sha256] != nil && $0.queuesWork(request) }
            let repeats = batch.items.filter { ids[$0.asset.sha256] == nil }
            if !repeats.isEmpty {
                try await connection.query(
                    "INSERT INTO ingest_requests (id, owner) VALUES (\(request.id), \(request.owner)) ON CONFLICT DO NOTHING",
                    logger: logger)
                let repeated = try await recordRepeats(repeats, request, on: connection)
                try await restoreFromTrash(Array(repeated.values), request, on: connection)
                ids.merge(repeated) { $1 }
            }
            try await placement?.write(owner: request.owner, on: connection, logger: logger)
            return (ids, queued)
        }
    }

    struct RequestContext {
        let id: UUID
        let owner: String
        let firstStage: StageReference
        let maxAttempts: Int
        let actor: String
    }

    /// Every new asset of the batch with everything that comes with it, in one statement: the
    /// rows, their first lineage events (each chain's start, so no lock is needed), their first
    /// jobs, the request and its items, and small documents' bytes. The workers are woken after
    /// the commit (`WorkerWakeUps`). Assets the owner already has are left out of the result,
    /// having written nothing.
    private func insertNew(
        _ batch: DistinctAssets, _ request: RequestContext, on connection: PostgresConnection
    ) async throws -> [String: UUID] {
        let statement = InsertNewAssets(batch.items.map { $0.newAssetRow(request) })
        return try await InsertNewAssets.ids(from: try await connection.execute(statement, logger: logger))[request.id]
            ?? [:]
    }

    /// Assets the owner already had: an `ingest.repeated` event on each one's chain and an item.
    /// Each is found by one probe of the unique (owner, sha256) index (`OFFSET 0`: see
    /// `DocumentPlacement.insert`), never by hashing all the owner's assets.
    /// The chains' locks are taken first, in SHA-256 order, in a statement of their own, so the
    /// insert that follows reads each chain's head after any concurrent append has committed.
    private func recordRepeats(
        _ repeats: [DistinctAssets.Item], _ request: RequestContext, on connection: PostgresConnection
    ) async throws -> [String: UUID] {
        let input = DistinctAssets.recordsetText(repeats, \.repeatRecord)
        let locked = try await connection.query(
            """
            SELECT sha256, id, pg_advisory_xact_lock(hashtextextended('lineage:' || id::text, 0))::text
            FROM (
                SELECT x.sha256, a.id
                FROM jsonb_to_recordset(\(input)::jsonb) AS x(sha256 text)
                CROSS JOIN LATERAL (
                    SELECT id FROM assets WHERE owner = \(request.owner) AND sha256 = decode(x.sha256, 'hex') OFFSET 0
                ) a
                ORDER BY x.sha256
                OFFSET 0
            ) ordered
            """, logger: logger)
        var ids: [String: UUID] = [:]
        for try await (sha256, id, _) in locked.decode((String, UUID, String).self) { ids[sha256] = id }
        if let missing = repeats.first(where: { ids[$0.asset.sha256] == nil }) {
            throw IngestConflict(sha256: missing.asset.sha256)
        }
        try await connection.query(
            """
            WITH input AS (
                SELECT x.*, a.id AS asset_id
                FROM jsonb_to_recordset(\(input)::jsonb) AS x(ord int, sha256 text, copies int, detail jsonb)
                CROSS JOIN LATERAL (
                    SELECT id FROM assets WHERE owner = \(request.owner) AND sha256 = decode(x.sha256, 'hex') OFFSET 0
                ) a
            ), event AS (
                SELECT input.asset_id, coalesce(previous.seq, 0) + 1 AS seq, clock_timestamp() AS at,
                       \(request.actor)::text AS actor, 'ingest.repeated'::text AS action, input.detail,
                       previous.hash AS prev_hash
                FROM input
                LEFT JOIN LATERAL (
                    SELECT seq, hash FROM lineage WHERE asset_id = input.asset_id ORDER BY seq DESC LIMIT 1
                ) previous ON true
            ), lineage_row AS (
                INSERT INTO lineage (asset_id, seq, at, actor, action, detail, prev_hash, hash)
                SELECT asset_id, seq, at, actor, action, detail, prev_hash, \(unescaped: LineageHash.sqlExpression)
                FROM event
            )
            INSERT INTO ingest_request_items (request_id, position, asset_id, copies)
            SELECT \(request.id), ord, asset_id, copies FROM input
            """, logger: logger)
        return ids
    }

    /// Media in the trash that their owner uploads again come back: to their cluster's folder or
    /// to the unsorted one, as a restore would bring them. (Purged media are not repeats: a purge
    /// frees their SHA-256.) Runs after `recordRepeats`, which holds the assets' lineage locks.
    private func restoreFromTrash(
        _ ids: [UUID], _ request: RequestContext, on connection: PostgresConnection
    ) async throws {
        let rows = try await connection.query(
            """
            UPDATE assets SET trashed_at = NULL, updated_at = now()
            WHERE id = ANY(\(ids)::uuid[]) AND trashed_at IS NOT NULL AND status <> 'purged'
            RETURNING id, media_type, cluster_id
            """, logger: logger)
        var restored: [(id: UUID, mediaType: String, cluster: UUID?)] = []
        for try await (id, mediaType, cluster) in rows.decode((UUID, String, UUID?).self) {
            restored.append((id, mediaType, cluster))
        }
        var moves: [PlacementMoves.Request] = []
        for asset in restored {
            let slug = try await asset.cluster.asyncFlatMap {
                try await OrganisationDecisions.slug(of: $0, on: connection, logger: logger)
            }
            let target =
                slug.map { FolderLayout.cluster($0, asset.id, mediaType: asset.mediaType) }
                ?? FolderLayout.unsorted(asset.id, mediaType: asset.mediaType)
            moves.append(.init(assetID: asset.id, target: target))
            try await LineageLog.append(
                NewLineageEvent(
                    actor: request.actor, action: "asset.restored",
                    detail: ["to": .string(target), "reason": .string("uploaded again")]),
                to: asset.id, on: connection, logger: logger, lockHeld: true)
        }
        try await PlacementMoves.request(
            moves, owner: request.owner, reason: "uploaded again", actor: request.actor, on: connection, logger: logger)
    }

    struct IngestConflict: Error, CustomStringConvertible {
        let sha256: String
        var description: String { "asset \(sha256) conflicted but could not be found" }
    }

    /// Per item of the request: every stage of its asset that has a job row.
    public func status(of requestID: UUID) async throws -> IngestStatus? {
        let owners = try await client.query("SELECT owner FROM ingest_requests WHERE id = \(requestID)", logger: logger)
        var owner: String?
        for try await value in owners.decode(String.self) { owner = value }
        guard let owner else { return nil }
        let rows = try await client.query(
            """
            SELECT i.asset_id, a.kind, i.copies, a.status,
                   coalesce(s.stages, '[]')::text
            FROM ingest_request_items i
            JOIN assets a ON a.id = i.asset_id
            LEFT JOIN LATERAL (
                SELECT jsonb_agg(jsonb_build_array(stage, state, version, attempts, coalesce(skip_reason, last_error))
                                 ORDER BY id) AS stages
                FROM jobs WHERE asset_id = i.asset_id
            ) s ON true
            WHERE i.request_id = \(requestID)
            ORDER BY i.position
            """, logger: logger)
        var items: [IngestStatus.Item] = []
        for try await (assetID, kind, copies, assetStatus, stagesText) in rows.decode(
            (UUID, String, Int, String, String).self)
        {
            items.append(
                IngestStatus.Item(
                    assetID: assetID, kind: try .decoded(kind, column: "assets.kind"), copies: copies,
                    assetStatus: try .decoded(assetStatus, column: "assets.status"), stages: try Self.stages(stagesText)
                ))
        }
        return IngestStatus(requestID: requestID, owner: owner, items: items)
    }

    private static func stages(_ text: String) throws -> [IngestStatus.Stage] {
        guard case .array(let rows) = JSONValue.parse(text) else { return [] }
        return try rows.map { row in
            guard case .array(let fields) = row, fields.count == 5, case .string(let name) = fields[0],
                case .string(let state) = fields[1], case .string(let version) = fields[2],
                case .number(let attempts) = fields[3]
            else { throw UnknownValue(column: "jobs", value: "a stage row of an unexpected shape") }
            let reason: String? = if case .string(let text) = fields[4] { text } else { nil }
            return IngestStatus.Stage(
                name: name, state: try .decoded(state, column: "jobs.state"), version: version,
                attempts: Int(attempts), reason: reason)
        }
    }
}
