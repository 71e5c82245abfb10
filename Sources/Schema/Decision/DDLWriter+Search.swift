/// Full-text search over a collection's documents: which values are searched, and the GIN
/// indexes that find them without reading every row.
extension DDLWriter {
    /// `docs.search_vector(text | text[] | jsonb)`, made by the catalog's `document_search`
    /// migration: one name for every searchable type, so an index survives a widening (text →
    /// jsonb, text[] → jsonb): PostgreSQL re-reads the index's expression for the new type and
    /// finds the overload, and the search's own expression keeps matching it.
    public static let searchVectorFunction = SQL.qualified(defaultSchema, "search_vector")

    /// The search's expression for a quoted column (or `alias."column"`).
    public static func searchVector(_ column: String) -> String { "\(searchVectorFunction)(\(column))" }

    /// The GIN index that finds a column's rows by the words of its text, or nothing for a
    /// column without text.
    static func searchIndex(
        table: String, column: String, type: ColumnType, schema: String, names: inout IndexNames
    )
        -> [String]
    {
        guard type.isSearchable else { return [] }
        let name = names.claim(column, suffix: "search")
        return [
            "CREATE INDEX \(SQL.quoted(name)) ON \(SQL.qualified(schema, table)) USING gin (\(searchVector(SQL.quoted(column))))"
        ]
    }
}

extension ColumnType {
    /// Holds text that full-text search reads: strings, arrays of strings, and the strings
    /// inside JSON (maps, arrays of objects).
    public var isSearchable: Bool { self == .text || self == .textArray || self == .jsonb }
}
