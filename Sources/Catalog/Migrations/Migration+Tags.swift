import Foundation

extension Migration {
    /// Zero-shot tags: the vocabulary admins curate, and the text embeddings of its terms, computed
    /// once per model.
    static let tags = Migration(
        version: 6, name: "tags",
        statements: [
            // A built-in term an admin removes stays as a disabled row, so the next start does not
            // bring it back.
            """
            CREATE TABLE tag_vocabulary (
                term text PRIMARY KEY CHECK (length(term) BETWEEN 1 AND 64),
                origin text NOT NULL CHECK (origin IN ('builtin', 'admin')),
                enabled boolean NOT NULL DEFAULT true,
                changed_by text NOT NULL,
                changed_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            // The prompt ensemble's mean embedding of a term, per model (and its prompts' version).
            """
            CREATE TABLE text_embeddings (
                model text NOT NULL,
                text text NOT NULL,
                vector vector NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (model, text)
            )
            """,
            // The stage version that tagged: for zero-shot tags, the model, its precision and prompts.
            "ALTER TABLE asset_tags ADD COLUMN version text",
            // Built-in terms are the service's own constants; doubled quotes are all they need.
            """
            INSERT INTO tag_vocabulary (term, origin, changed_by)
            VALUES \(BuiltInVocabulary.terms.map { "('\($0.replacingOccurrences(of: "'", with: "''"))', 'builtin', 'builtin')" }.joined(separator: ", "))
            """,
        ])
}
