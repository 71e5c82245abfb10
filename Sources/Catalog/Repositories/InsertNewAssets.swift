import Foundation
import NIOCore
import PostgresNIO

/// One new asset as `InsertNewAssets` writes it, with its request's fields, so that concurrent
/// requests (of any owners) can share the statement (`GroupedIngests`).
struct NewAssetRow: Sendable {
    let requestID: UUID
    let owner: String
    let actor: String
    let maxAttempts: Int
    let stages: [InitialStage]
    let status: AssetStatus
    /// Where the content first appears in its request.
    let position: Int
    let id: UUID
    let kind: AssetKind
    let sha256: String
    let size: Int64
    let mediaType: String
    let originalFilename: String?
    let storageKey: String
    /// JSON texts of its metadata and of its `ingest.accepted` event's detail.
    let metadata: String
    let detail: String
    let comments: String?
    let copies: Int
    /// A small document's bytes, kept in `inline_blobs`.
    let content: ByteBuffer?
}

/// Every new asset of one or more requests with its first lineage event, first jobs, request,
/// item and inline bytes, in one statement. Returns each new asset's request, SHA-256 and id; an
/// asset its owner already had (or that an earlier row of the same statement inserted) is left
/// out, having written nothing.
///
/// The rows are bound column by column, as arrays in PostgreSQL's binary format, and read with
/// `unnest`: PostgreSQL reads each value as it is, where a `jsonb` recordset made it parse about
/// 2 kB of JSON per document (its bytes in base64 among them), the statement's largest part.
struct InsertNewAssets: HotStatement {
    static let sql = """
        WITH input AS (
            SELECT * FROM unnest($1::int8[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int8[],
                                 $7::int8[], $8::uuid[], $9::text[], $10::text[], $11::int8[], $12::text[],
                                 $13::text[], $14::text[], $15::text[], $16::text[], $17::int8[], $18::text[],
                                 $19::bytea[])
                AS x(item, request_id, owner, actor, status, max_attempts, ord, id, kind, sha256, size, media_type,
                     original_filename, storage_key, metadata, comments, copies, detail, content)
        ), inserted AS (
            INSERT INTO assets (id, kind, owner, sha256, size, media_type, original_filename, storage_key,
                                status, metadata, comments)
            SELECT id, kind, owner, decode(sha256, 'hex'), size, media_type, original_filename,
                   storage_key, status, metadata::jsonb, comments
            FROM input ORDER BY sha256, owner
            ON CONFLICT (owner, sha256) DO NOTHING
            RETURNING id
        ), new AS (
            SELECT input.* FROM input JOIN inserted USING (id)
        ), event AS (
            SELECT id AS asset_id, 1 AS seq, clock_timestamp() AS at, actor, 'ingest.accepted'::text AS action,
                   detail::jsonb AS detail, NULL::bytea AS prev_hash
            FROM new
        ), lineage_row AS (
            INSERT INTO lineage (asset_id, seq, at, actor, action, detail, prev_hash, hash)
            SELECT asset_id, seq, at, actor, action, detail, prev_hash, \(LineageHash.sqlExpression)
            FROM event
        ), job AS (
            INSERT INTO jobs (asset_id, stage, version, state, skip_reason, max_attempts)
            SELECT new.id, s.stage, s.version, s.state, s.skip_reason, new.max_attempts
            FROM unnest($20::int8[], $21::text[], $22::text[], $23::text[], $24::text[])
                AS s(item, stage, version, state, skip_reason)
            JOIN new USING (item)
        ), request AS (
            INSERT INTO ingest_requests (id, owner)
            SELECT DISTINCT request_id, owner FROM new
            ON CONFLICT (id) DO NOTHING
        ), item AS (
            INSERT INTO ingest_request_items (request_id, position, asset_id, copies)
            SELECT request_id, ord, id, copies FROM new
        ), inline_content AS (
            INSERT INTO inline_blobs (sha256, content)
            SELECT DISTINCT ON (sha256) decode(sha256, 'hex'), content FROM new
            WHERE content IS NOT NULL ORDER BY sha256
            ON CONFLICT (sha256) DO NOTHING
        )
        SELECT new.request_id, new.sha256, new.id FROM new
        """

    let rows: [NewAssetRow]

    init(_ rows: [NewAssetRow]) {
        self.rows = rows
    }

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 24)
        bindings.append(Array(rows.indices))
        bindings.append(rows.map(\.requestID))
        bindings.append(rows.map(\.owner))
        bindings.append(rows.map(\.actor))
        bindings.append(rows.map(\.status.rawValue))
        bindings.append(rows.map(\.maxAttempts))
        bindings.append(rows.map(\.position))
        bindings.append(rows.map(\.id))
        bindings.append(rows.map(\.kind.rawValue))
        bindings.append(rows.map(\.sha256))
        bindings.append(rows.map { Int($0.size) })
        bindings.append(rows.map(\.mediaType))
        bindings.append(NullableArray(rows.map(\.originalFilename)))
        bindings.append(rows.map(\.storageKey))
        bindings.append(rows.map(\.metadata))
        bindings.append(NullableArray(rows.map(\.comments)))
        bindings.append(rows.map(\.copies))
        bindings.append(rows.map(\.detail))
        bindings.append(NullableArray(rows.map(\.content)))
        // Each row's stage rows, by the index of its row.
        let stages = rows.indices.flatMap { index in rows[index].stages.map { (index, $0) } }
        bindings.append(stages.map(\.0))
        bindings.append(stages.map(\.1.stage.name))
        bindings.append(stages.map(\.1.stage.version))
        bindings.append(stages.map(\.1.state.rawValue))
        bindings.append(NullableArray(stages.map(\.1.skipReason)))
        return bindings
    }

    /// The asset ids of each request, by SHA-256.
    static func ids(from rows: some AsyncSequence<PostgresRow, any Error>) async throws -> [UUID: [String: UUID]] {
        var ids: [UUID: [String: UUID]] = [:]
        for try await row in rows {
            let (request, sha256, id) = try row.decode((UUID, String, UUID).self)
            ids[request, default: [:]][sha256] = id
        }
        return ids
    }
}
