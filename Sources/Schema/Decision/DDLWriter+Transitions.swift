extension DDLWriter {
    /// The indexes and statistics the JSONB form gets on its frequent paths, for a table that
    /// already exists (a staged collection kept as JSONB).
    public static func jsonbIndexes(
        table: String, indexedPaths: [[String]], schema: String = defaultSchema
    )
        -> [String]
    {
        // The same names `createJSONBTable` gives them: its first three statements are the table
        // and the document's two GIN indexes (containment, search), which the staging table
        // already has.
        Array(createJSONBTable(table: table, indexedPaths: indexedPaths, schema: schema).dropFirst(3))
    }

    /// The statements that take an approved table from `current` to `target`: new columns
    /// (with their indexes) and wider types; whether any of them rewrites the table.
    public static func statements(
        from current: TableLayout, to target: TableLayout, schema: String = defaultSchema
    ) -> (statements: [String], rewritesTable: Bool) {
        let existing = Dictionary(current.columns.map { ($0.name, $0) }) { first, _ in first }
        var statements: [String] = []
        var rewrites = false
        for column in target.columns {
            if let before = existing[column.name] {
                guard before.type != column.type else { continue }
                let widened = widen(
                    table: target.table, column: column.name, from: before.type, to: column.type, schema: schema)
                statements.append(widened.statement)
                rewrites = rewrites || widened.rewritesTable
                // A column that comes to hold text (a uuid or a date widened to text, anything
                // to jsonb) gets the search's index. One it had stays valid: its expression
                // names one function for every searchable type.
                if column.type.isSearchable && !before.type.isSearchable {
                    var names = IndexNames(table: target.table)
                    statements += searchIndex(
                        table: target.table, column: column.name, type: column.type, schema: schema, names: &names)
                }
            } else {
                statements.append(addColumn(table: target.table, column: column, schema: schema))
                statements += indexes(table: target.table, column: column, schema: schema)
            }
        }
        return (statements, rewrites)
    }
}
