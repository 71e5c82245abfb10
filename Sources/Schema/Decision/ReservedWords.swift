/// PostgreSQL's reserved key words (the "reserved" and "reserved (can be function or type)"
/// entries of Appendix C) and its system columns' names. Identifiers are always quoted, but a
/// column named like a key word gets a `_` suffix so SQL users can type every column name
/// unquoted; a system column's name could not be used at all (`xmin` is a common JSON key).
enum ReservedWords {
    static let postgreSQL: Set<String> = [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary",
        "both", "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create",
        "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
        "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
        "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike",
        "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like",
        "limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or",
        "order", "outer", "overlaps", "placing", "primary", "references", "returning", "right", "select",
        "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to",
        "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window",
        "with",
        // Every table's system columns: a column of that name cannot be created at all.
        "tableoid", "xmin", "cmin", "xmax", "cmax", "ctid",
    ]
}
