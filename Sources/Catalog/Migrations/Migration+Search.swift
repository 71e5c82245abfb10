extension Migration {
    /// Search: the words people type about their media, indexed, and the moment a medium was
    /// taken, in a form that sorts and ranges.
    static let search = Migration(
        version: 10, name: "search",
        statements: [
            // One full-text vector per asset, each source under its own weight so a match can be
            // told apart (`ts_filter`): A the original filename (split at every non-alphanumeric,
            // so `IMG_2031_dog.jpg` is the words img 2031 dog jpg), B the comments, C the camera.
            // The `simple` configuration: no stemming and no stop words, because filenames and
            // comments are in any language.
            """
            ALTER TABLE assets ADD COLUMN search_words tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('simple',
                    regexp_replace(coalesce(original_filename, ''), '[^[:alnum:]]+', ' ', 'g')), 'A')
                || setweight(to_tsvector('simple', coalesce(comments, '')), 'B')
                || setweight(to_tsvector('simple',
                    coalesce(metadata->'exif'->>'camera_make', '') || ' ' || coalesce(metadata->'exif'->>'camera_model', '')),
                    'C')
            ) STORED
            """,
            // Media only: documents are ingested by the thousand and never searched by these words.
            "CREATE INDEX assets_search_words ON assets USING gin (search_words) WHERE kind IN ('image', 'video')",
            // When it was taken, as the camera's local time `YYYY-MM-DDTHH:MM:SS` (text: a
            // timestamp without its offset cannot be made an instant, and text of one shape sorts
            // and ranges as time does, byte by byte, whatever the database's collation). A photo's
            // EXIF, a date carried over from a duplicate, or a video's creation time.
            """
            ALTER TABLE assets ADD COLUMN taken text COLLATE "C" GENERATED ALWAYS AS (
                left(coalesce(metadata->'exif'->>'captured_at', metadata->'carried'->>'captured_at',
                              metadata->'video'->>'created_at'), 19)
            ) STORED
            """,
            "CREATE INDEX assets_owner_taken ON assets (owner, taken) WHERE taken IS NOT NULL",
            // A 512-d vector is 2,056 bytes: past the 2 kB threshold, PostgreSQL keeps it out of
            // line (TOAST), and every search result then costs a second look-up to read it
            // (bench/search: 1.9 ms of a 3.5 ms search at 100,000). MAIN keeps it in the row
            // (three to a page); rows written before stay where they are until rewritten.
            "ALTER TABLE embeddings ALTER COLUMN vector SET STORAGE MAIN",
        ])
}
