extension Migration {
    /// Full-text search over JSON documents: the function every search index is made of, and
    /// those indexes for the collections' tables made before (new tables get them from
    /// `DDLWriter`).
    static let documentSearch = Migration(
        version: 11, name: "document_search",
        statements: [
            // One name for every searchable type, so an index outlives a widening of its column
            // (text → jsonb, text[] → jsonb): PostgreSQL re-reads the index's expression for the
            // new type and finds the overload. The 'simple' configuration lower-cases words and
            // stems nothing: documents are in any language, and a stemmer for one (english)
            // would mangle the words of the others. A JSON value's strings are its text; keys,
            // numbers and booleans are not.
            """
            CREATE FUNCTION docs.search_vector(value text) RETURNS tsvector
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
                RETURN to_tsvector('simple'::regconfig, value)
            """,
            """
            CREATE FUNCTION docs.search_vector(value jsonb) RETURNS tsvector
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
                RETURN to_tsvector('simple'::regconfig, value)
            """,
            // Through JSON, so the elements are separate values (a phrase never spans two), as
            // they are in a jsonb column. `array_to_json` is only stable because it serves any
            // element type; for text it is immutable, which an index needs.
            """
            CREATE FUNCTION docs.search_vector(value text[]) RETURNS tsvector
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
                RETURN to_tsvector('simple'::regconfig, array_to_json(value)::jsonb)
            """,
            // The tables that exist: a staging or JSONB table's document, a typed table's text,
            // text[] and jsonb columns and its `extra`. The names come from the catalog's own
            // records (made by the sanitiser), quoted by `format('%I')`; the indexes' names are
            // made here (at most 58 bytes), as `DDLWriter` would not know them.
            """
            DO $$
            DECLARE
                c record;
                tbl text;
                searched text[];
                col text;
            BEGIN
                FOR c IN SELECT table_name, storage, layout FROM collections ORDER BY id LOOP
                    IF c.storage = 'typed' THEN
                        tbl := c.table_name;
                        SELECT coalesce(array_agg(e ->> 'name' ORDER BY n), '{}') INTO searched
                        FROM jsonb_array_elements(c.layout -> 'columns') WITH ORDINALITY AS x(e, n)
                        WHERE e ->> 'type' IN ('text', 'text[]', 'jsonb');
                        searched := searched || 'extra'::text;
                    ELSE
                        tbl := c.table_name || '__jsonb';
                        searched := ARRAY['doc'];
                    END IF;
                    CONTINUE WHEN to_regclass(format('docs.%I', tbl)) IS NULL;
                    FOREACH col IN ARRAY searched LOOP
                        EXECUTE format(
                            'CREATE INDEX %I ON docs.%I USING gin (docs.search_vector(%I))',
                            left(tbl, 40) || '_search_' || left(md5(tbl || '/' || col), 8), tbl, col);
                    END LOOP;
                END LOOP;
            END
            $$
            """,
        ])
}
