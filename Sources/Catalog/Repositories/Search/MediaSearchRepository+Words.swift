import Foundation
import PostgresNIO

/// Which of an asset's own words a query met: its original filename, its comments, its camera.
public struct WordMatch: Sendable, Equatable {
    public let assetID: UUID
    /// `ts_rank` within each source; nil when the source did not match.
    public let filename: Double?
    public let comments: Double?
    public let camera: Double?
}

/// The text side of media search: each signal is a ranked list of media, read through an index
/// (the assets' full-text words, the tag index, the capture-time index), never by reading every
/// asset. The fusion of the lists happens above the catalog.
extension MediaSearchRepository {
    /// Media whose filename, comments or camera hold any of `words` (lower-case letters and
    /// digits only: they are joined into an OR query, which nothing in them can break).
    public func wordMatches(_ words: [String], scope: MediaSearchScope, limit: Int) async throws -> [WordMatch] {
        guard let terms = Self.anyOf(words) else { return [] }
        var sql = BoundSQL()
        let query = sql.bind(terms)
        let conditions = scope.conditions(&sql)
        let cap = sql.bind(limit)
        // The weights the migration gave each source (A filename, B comments, C camera) let one
        // index answer all three, and `ts_filter` tell them apart.
        let rows = try await client.query(
            sql.query(
                """
                SELECT a.id,
                       CASE WHEN ts_filter(a.search_words, '{a}') @@ q THEN ts_rank(ts_filter(a.search_words, '{a}'), q) END,
                       CASE WHEN ts_filter(a.search_words, '{b}') @@ q THEN ts_rank(ts_filter(a.search_words, '{b}'), q) END,
                       CASE WHEN ts_filter(a.search_words, '{c}') @@ q THEN ts_rank(ts_filter(a.search_words, '{c}'), q) END
                FROM assets a, to_tsquery('simple', \(query)) q
                WHERE a.search_words @@ q AND \(conditions)
                ORDER BY ts_rank(a.search_words, q) DESC, a.id
                LIMIT \(cap)
                """), logger: logger)
        var matches: [WordMatch] = []
        for try await (id, filename, comments, camera) in rows.decode((UUID, Float?, Float?, Float?).self) {
            matches.append(
                WordMatch(
                    assetID: id, filename: filename.map(Double.init), comments: comments.map(Double.init),
                    camera: camera.map(Double.init)))
        }
        return matches
    }

    /// `to_tsquery` text matching any of `words`: only runs of letters and digits are kept, so
    /// nothing in them is tsquery syntax. Nil when none is left.
    static func anyOf(_ words: [String]) -> String? {
        let terms = words.filter { !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber } }
        return terms.isEmpty ? nil : terms.joined(separator: " | ")
    }

    /// Media tagged with any of `terms` (a query's words and the phrases they form), best score
    /// first, with the tag that matched.
    public func tagMatches(
        _ terms: [String], scope: MediaSearchScope, limit: Int
    ) async throws -> [(
        assetID: UUID, tag: String, score: Double
    )] {
        guard !terms.isEmpty else { return [] }
        var sql = BoundSQL()
        let wanted = sql.bind(terms)
        let conditions = scope.conditions(&sql)
        let cap = sql.bind(limit)
        let rows = try await client.query(
            sql.query(
                """
                SELECT DISTINCT ON (a.id) a.id, t.tag, t.score::float8
                FROM asset_tags t JOIN assets a ON a.id = t.asset_id
                WHERE t.tag = ANY(\(wanted)) AND \(conditions)
                ORDER BY a.id, t.score DESC
                """ + " LIMIT \(cap)"), logger: logger)
        var matches: [(assetID: UUID, tag: String, score: Double)] = []
        for try await (id, tag, score) in rows.decode((UUID, String, Double).self) {
            matches.append((id, tag, score))
        }
        return matches.sorted { ($0.score, $1.assetID) > ($1.score, $0.assetID) }
    }

    /// Media in a cluster whose name holds any of `words`, with the cluster's name.
    public func clusterMatches(
        _ words: [String], scope: MediaSearchScope, limit: Int
    ) async throws -> [(
        assetID: UUID, cluster: String
    )] {
        guard let terms = Self.anyOf(words) else { return [] }
        var sql = BoundSQL()
        let query = sql.bind(terms)
        let conditions = scope.conditions(&sql)
        let cap = sql.bind(limit)
        let rows = try await client.query(
            sql.query(
                """
                SELECT a.id, c.name
                FROM clusters c JOIN assets a ON a.cluster_id = c.id, to_tsquery('simple', \(query)) q
                WHERE c.state = 'active' AND to_tsvector('simple', c.name) @@ q AND \(conditions)
                ORDER BY ts_rank(to_tsvector('simple', c.name), q) DESC, a.taken DESC NULLS LAST, a.id
                LIMIT \(cap)
                """), logger: logger)
        var matches: [(assetID: UUID, cluster: String)] = []
        for try await (id, name) in rows.decode((UUID, String).self) { matches.append((id, name)) }
        return matches
    }

    /// Media taken within any of `periods` (prefixes of the camera's local time: `2019`,
    /// `2019-07`), newest first, with when they were taken.
    public func takenMatches(
        _ periods: [String], scope: MediaSearchScope, limit: Int
    ) async throws -> [(
        assetID: UUID, taken: String
    )] {
        guard !periods.isEmpty else { return [] }
        var sql = BoundSQL()
        let prefixes = sql.bind(periods)
        let conditions = scope.conditions(&sql)
        let cap = sql.bind(limit)
        // One index range per period: the prefix and its successor bound `taken`.
        let rows = try await client.query(
            sql.query(
                """
                SELECT a.id, a.taken
                FROM unnest(\(prefixes)::text[]) p JOIN assets a
                  ON a.taken >= p AND a.taken < p || '~'
                WHERE \(conditions)
                ORDER BY a.taken DESC, a.id
                LIMIT \(cap)
                """), logger: logger)
        var matches: [(assetID: UUID, taken: String)] = []
        for try await (id, taken) in rows.decode((UUID, String).self) { matches.append((id, taken)) }
        return matches
    }
}
