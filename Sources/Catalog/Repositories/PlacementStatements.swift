import Foundation
import PostgresNIO

// The statements every document placement runs besides its rows, prepared once per connection
// (`HotStatement`): one-document requests share a transaction about 16 at a time, and parsing and
// planning these three for every transaction cost PostgreSQL more than running them.

/// The placement's collections, locked `FOR KEY SHARE` in id order, with what it checks of them.
struct LockPlacedCollections: HotStatement {
    static let sql = """
        SELECT id, storage, schema_version, contract FROM collections WHERE id = ANY($1::uuid[])
        ORDER BY id FOR KEY SHARE
        """
    let ids: [UUID]

    func makeBindings() -> PostgresBindings { PostgresBindings(ids) }
}

/// Each collection's statistics of the documents placed now, for its review to merge.
struct InsertPendingStatistics: HotStatement {
    static let sql = """
        INSERT INTO collection_statistics_pending (collection_id, documents, statistics)
        SELECT collection, documents, statistics::jsonb
        FROM unnest($1::uuid[], $2::int8[], $3::text[]) AS p(collection, documents, statistics)
        """
    let collections: [UUID]
    let documents: [Int]
    let statistics: [String]

    func makeBindings() -> PostgresBindings { PostgresBindings(collections, documents, statistics) }
}

/// The collections' review tasks, `delay` seconds from now; one waits at a time per collection.
struct QueueCollectionReviews: HotStatement {
    static let sql = """
        INSERT INTO jobs (task_key, stage, payload, state, run_after, max_attempts)
        SELECT $1::text || collection, $2::text, jsonb_build_object('collection', collection), 'queued',
               now() + $3::float8 * interval '1 second', 5
        FROM unnest($4::text[]) AS r(collection)
        ON CONFLICT (task_key) WHERE state = 'queued' DO NOTHING
        """
    let collections: [String]
    let delay: Double

    func makeBindings() -> PostgresBindings {
        PostgresBindings(DocumentPlacement.reviewKeyPrefix, DocumentPlacement.reviewKind, delay, collections)
    }
}
