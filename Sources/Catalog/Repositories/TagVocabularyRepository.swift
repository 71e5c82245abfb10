import Foundation
import Logging
import PostgresNIO

/// The terms images are tagged with, and the cached text embeddings of those terms.
public struct TagVocabularyRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public struct Term: Sendable, Equatable, Codable {
        public let term: String
        /// `builtin` or `admin`.
        public let origin: String
        public let enabled: Bool
    }

    public func list() async throws -> [Term] {
        let rows = try await client.query(
            "SELECT term, origin, enabled FROM tag_vocabulary ORDER BY term", logger: logger)
        var terms: [Term] = []
        for try await (term, origin, enabled) in rows.decode((String, String, Bool).self) {
            terms.append(Term(term: term, origin: origin, enabled: enabled))
        }
        return terms
    }

    public func enabledTerms() async throws -> [String] {
        let rows = try await client.query(
            "SELECT term FROM tag_vocabulary WHERE enabled ORDER BY term", logger: logger)
        var terms: [String] = []
        for try await term in rows.decode(String.self) { terms.append(term) }
        return terms
    }

    /// Changes whenever a term is added, removed or restored: tells a cache it is stale.
    public func revision() async throws -> String {
        let rows = try await client.query(
            "SELECT count(*)::text || ':' || coalesce(max(changed_at)::text, '') FROM tag_vocabulary WHERE enabled",
            logger: logger)
        for try await revision in rows.decode(String.self) { return revision }
        return ""
    }

    /// Adds (or re-enables) and removes terms in one transaction, on the vocabulary's lineage
    /// chain. Returns the terms that actually changed.
    public func change(
        add: [String], remove: [String], actor: String
    ) async throws -> (added: [String], removed: [String]) {
        try await client.transaction(logger: logger) { connection in
            var added: [String] = []
            let addedRows = try await connection.query(
                """
                INSERT INTO tag_vocabulary (term, origin, changed_by)
                SELECT unnest(\(add)::text[]), 'admin', \(actor)
                ON CONFLICT (term) DO UPDATE SET enabled = true, changed_by = excluded.changed_by, changed_at = now()
                    WHERE NOT tag_vocabulary.enabled
                RETURNING term
                """, logger: logger)
            for try await term in addedRows.decode(String.self) { added.append(term) }
            var removed: [String] = []
            let removedRows = try await connection.query(
                """
                UPDATE tag_vocabulary SET enabled = false, changed_by = \(actor), changed_at = now()
                WHERE term = ANY(\(remove)) AND enabled
                RETURNING term
                """, logger: logger)
            for try await term in removedRows.decode(String.self) { removed.append(term) }
            if !added.isEmpty || !removed.isEmpty {
                try await LineageLog.append(
                    NewLineageEvent(
                        actor: actor, action: "tags.vocabulary.changed",
                        detail: [
                            "added": .array(added.map { .string($0) }), "removed": .array(removed.map { .string($0) }),
                        ]),
                    to: .other(.task, key: "tag-vocabulary"), on: connection, logger: logger)
            }
            return (added.sorted(), removed.sorted())
        }
    }

    /// The cached embeddings of `texts` for `model`; missing ones are absent from the result.
    public func cachedEmbeddings(model: String, texts: [String]) async throws -> [String: [Float]] {
        let rows = try await client.query(
            "SELECT text, vector::text FROM text_embeddings WHERE model = \(model) AND text = ANY(\(texts))",
            logger: logger)
        var vectors: [String: [Float]] = [:]
        for try await (text, vector) in rows.decode((String, String).self) {
            vectors[text] = VectorText.values(vector)
        }
        return vectors
    }

    public func storeEmbeddings(model: String, _ vectors: [String: [Float]]) async throws {
        guard !vectors.isEmpty else { return }
        let texts = Array(vectors.keys)
        let values = texts.map { VectorText.text(vectors[$0]!) }
        try await client.query(
            """
            INSERT INTO text_embeddings (model, text, vector)
            SELECT \(model), text, vector::vector FROM unnest(\(texts)::text[], \(values)::text[]) AS x(text, vector)
            ON CONFLICT (model, text) DO UPDATE SET vector = excluded.vector
            """, logger: logger)
    }
}
