import PostgresNIO
import Schema

/// One search's statement over the tables of the collections searched. Identifiers are the
/// catalog's own (sanitised when the tables were made) and quoted; the text, the limit and the
/// cursor are bound.
struct DocumentSearchSQL {
    /// A searched table and the values of a row the search reads, in order, each with the
    /// path in the document of what it holds: a staging or JSONB table's `doc` (the document),
    /// or a typed table's text, text[] and jsonb columns and its `extra` (from the root).
    struct Source {
        let collection: CollectionRecord
        let table: String
        let values: [(column: String, path: [String])]

        init(_ collection: CollectionRecord) {
            self.collection = collection
            if collection.storage == .typed, let layout = collection.layout {
                table = collection.tableName
                values =
                    layout.columns.filter(\.type.isSearchable).map { ($0.name, $0.path) }
                    + [(TableLayout.extraColumn, [])]
            } else {
                table = collection.jsonbTable
                values = [(DDLWriter.documentColumn, [])]
            }
        }
    }

    let sources: [Source]
    private(set) var bindings = PostgresBindings()

    /// The query from the user's text: `websearch_to_tsquery` reads any text (quotes, `-`,
    /// `or`, stray operators) without a syntax error.
    static let query = "websearch_to_tsquery('simple'::regconfig, $1)"
    /// Up to 35 words around the match, the matching words between `«` and `»`.
    static let headline = "StartSel=«, StopSel=», MaxWords=35, MinWords=15"

    init(collections: [CollectionRecord]) {
        sources = collections.map(Source.init)
    }

    /// Each table finds its rows through the GIN index of each searched value (a bitmap OR over
    /// them), so only matching rows are read; they are ranked over all their searched text.
    /// Only the page's documents are then walked for the value to show: the first string
    /// that matches the query by itself; else the first holding any of its words (the query's
    /// words may be spread over several values); in the order of the row's values, and of
    /// jsonb's keys within each.
    mutating func statement(text: String, limit: Int, after: DocumentSearchCursor?) -> String {
        bindings.append(text)
        bindings.append(limit)
        bindings.append(Self.headline)
        var continuation = ""
        if let after {
            bindings.append(after.rank)
            bindings.append(after.documentID)
            continuation = "WHERE h.rank < $4 OR (h.rank = $4 AND h.\"asset id\" > $5)"
        }
        let query = Self.query
        let branches = sources.enumerated().map { index, source in
            let columns = source.values.map { "t.\(SQL.quoted($0.column))" }
            let matches = columns.map { "\(DDLWriter.searchVector($0)) @@ \(query)" }
            let vector = columns.map { "coalesce(\(DDLWriter.searchVector($0)), ''::tsvector)" }
            return """
                SELECT t.\(SQL.quoted(TableLayout.assetIDColumn)) AS "asset id", \(index) AS source,
                       ts_rank(\(vector.joined(separator: " || ")), \(query))::float8 AS rank,
                       ARRAY[\(columns.map { "to_jsonb(\($0))" }.joined(separator: ", "))] AS searched
                FROM \(SQL.qualified(DDLWriter.defaultSchema, source.table)) t
                WHERE \(matches.joined(separator: " OR "))
                """
        }
        return """
            SELECT hit."asset id", hit.source, hit.rank, hit.owner, hit.created_at, best.value, best.path::text,
                   best.snippet
            FROM (
                SELECT h."asset id", h.source, h.rank, h.searched, a.owner, a.created_at
                FROM (\(branches.joined(separator: "\nUNION ALL\n"))) h
                JOIN assets a ON a.id = h."asset id" AND a.trashed_at IS NULL AND a.status <> 'purged'
                \(continuation)
                ORDER BY h.rank DESC, h."asset id"
                LIMIT $2
            ) hit
            LEFT JOIN LATERAL (
                WITH RECURSIVE walk (value, path, node, place) AS (
                    SELECT v.n::int, '[]'::jsonb, v.node, ARRAY[v.n::int]
                    FROM unnest(hit.searched) WITH ORDINALITY AS v (node, n)
                    WHERE v.node IS NOT NULL
                    UNION ALL
                    SELECT w.value, w.path || c.step, c.node, w.place || c.n::int
                    FROM walk w CROSS JOIN LATERAL (
                        SELECT to_jsonb(e.key) AS step, e.node, e.n
                        FROM jsonb_each(CASE jsonb_typeof(w.node) WHEN 'object' THEN w.node ELSE '{}' END)
                            WITH ORDINALITY AS e (key, node, n)
                        UNION ALL
                        SELECT to_jsonb(e.n - 1), e.node, e.n
                        FROM jsonb_array_elements(CASE jsonb_typeof(w.node) WHEN 'array' THEN w.node ELSE '[]' END)
                            WITH ORDINALITY AS e (node, n)
                    ) c
                )
                SELECT w.value, w.path, ts_headline('simple'::regconfig, w.node #>> '{}', \(query), $3) AS snippet
                FROM walk w
                WHERE jsonb_typeof(w.node) = 'string'
                ORDER BY \(DDLWriter.searchVector("w.node #>> '{}'")) @@ \(query) DESC,
                         ts_headline('simple'::regconfig, w.node #>> '{}', \(query), 'HighlightAll=true')
                             <> w.node #>> '{}' DESC,
                         w.place
                LIMIT 1
            ) best ON true
            ORDER BY hit.rank DESC, hit."asset id"
            """
    }
}
