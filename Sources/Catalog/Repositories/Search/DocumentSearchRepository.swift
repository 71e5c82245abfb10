import Foundation
import Logging
import PostgresNIO
import Schema

/// Full-text search over the JSON documents of collections: the strings of a staging or JSONB
/// document, and a typed row's text, text[] and jsonb columns and its `extra`. PostgreSQL finds
/// the documents through GIN indexes on `docs.search_vector(…)` (the 'simple' configuration:
/// documents are in any language), so a search reads the matching rows, not every document.
public struct DocumentSearchRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// The most hits one call returns.
    public static let maximumLimit = 500

    /// Hits for `text` in the documents of `owner` (nil: every owner's, for admins), of one
    /// collection or all of them, best first (rank, then document id), after `after`.
    /// Text without a word to look for (empty, punctuation, only `-excluded` words) finds
    /// nothing: such a query could not use an index, it would read every document.
    public func search(
        _ text: String, owner: String?, collection: UUID?, limit: Int, after: DocumentSearchCursor?
    ) async throws -> [DocumentSearchHit] {
        // PostgreSQL text cannot hold U+0000; anything else is the query's to read.
        let text = text.replacing("\u{0}", with: " ")
        let limit = min(limit, Self.maximumLimit)
        guard limit > 0 else { return [] }
        // A collection's table can change under a search (an approval replaces the staging
        // table with the typed one, or adds a column): read the collections again.
        var attempt = 0
        while true {
            attempt += 1
            let collections = try await searched(text, owner: owner, collection: collection)
            guard !collections.isEmpty else { return [] }
            do {
                return try await hits(text, in: collections, limit: limit, after: after)
            } catch let error as PSQLError
                where attempt < 3 && ["42P01", "42703"].contains(error.serverInfo?[.sqlState] ?? "")
            {
                logger.debug("a collection changed during a search", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The collections searched, none when the text has nothing an index can look up
    /// (`querytree` is `T` for a query of only negations, empty for one without words).
    private func searched(_ text: String, owner: String?, collection: UUID?) async throws -> [CollectionRecord] {
        try await CollectionRepository(client: client, logger: logger).records(
            client.query(
                """
                SELECT \(unescaped: CollectionRepository.columns) FROM collections c
                WHERE querytree(websearch_to_tsquery('simple'::regconfig, \(text))) NOT IN ('', 'T')
                  AND (\(owner)::text IS NULL OR c.owner = \(owner))
                  AND (\(collection)::uuid IS NULL OR c.id = \(collection))
                ORDER BY c.id
                """, logger: logger))
    }

    private func hits(
        _ text: String, in collections: [CollectionRecord], limit: Int, after: DocumentSearchCursor?
    ) async throws -> [DocumentSearchHit] {
        var builder = DocumentSearchSQL(collections: collections)
        let statement = builder.statement(text: text, limit: limit, after: after)
        let rows = try await client.query(
            PostgresQuery(unsafeSQL: statement, binds: builder.bindings), logger: logger)
        var hits: [DocumentSearchHit] = []
        for try await (id, index, rank, owner, createdAt, value, path, snippet) in rows.decode(
            (UUID, Int, Double, String, Date, Int?, String?, String?).self)
        {
            let source = builder.sources[index]
            // The value's path in the document: the column's, then the path inside it.
            let root = value.map { source.values[$0 - 1].path.map(DocumentPath.Step.key) } ?? []
            hits.append(
                DocumentSearchHit(
                    documentID: id, collectionID: source.collection.id, collectionName: source.collection.name,
                    owner: owner, path: DocumentPath.text(root + DocumentPath.steps(path ?? "[]")),
                    snippet: snippet ?? "", rank: rank, createdAt: createdAt))
        }
        return hits
    }

    /// The plan PostgreSQL chooses for a search (`EXPLAIN`, one line per row): what a test
    /// checks to know the indexes are used.
    func plan(_ text: String, owner: String?, collection: UUID?, limit: Int) async throws -> [String] {
        let collections = try await searched(text, owner: owner, collection: collection)
        var builder = DocumentSearchSQL(collections: collections)
        let statement = builder.statement(text: text, limit: limit, after: nil)
        let rows = try await client.query(
            PostgresQuery(unsafeSQL: "EXPLAIN " + statement, binds: builder.bindings), logger: logger)
        var lines: [String] = []
        for try await line in rows.decode(String.self) { lines.append(line) }
        return lines
    }
}
