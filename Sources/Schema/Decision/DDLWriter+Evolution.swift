extension DDLWriter {
    /// A column added to an approved table is never NOT NULL: the rows already there have no
    /// value for it.
    public static func addColumn(table: String, column: TableLayout.Column, schema: String = defaultSchema) -> String {
        "ALTER TABLE \(SQL.qualified(schema, table)) ADD COLUMN \(SQL.quoted(column.name)) \(column.type.rawValue)"
    }

    /// Changes a column's type. `USING` is always written, so the statement does not depend
    /// on which casts PostgreSQL would apply implicitly: `"c"::<type>` within numbers, strings
    /// and arrays (`date` → `timestamptz` reads a date as midnight in the session's time zone;
    /// to `text` keeps values but not their original spelling), `to_jsonb("c")` to `jsonb`
    /// (numbers stay JSON numbers, strings JSON strings).
    ///
    /// `rewritesTable`: PostgreSQL rewrites the table (and its indexes) for a type change
    /// unless the types are binary coercible (`varchar` → `text`); none of the changes between
    /// these column types is, so every real change rewrites. The admin sees this before
    /// approving, since a rewrite holds an exclusive lock for its duration.
    public static func widen(
        table: String, column: String, from: ColumnType, to: ColumnType, schema: String = defaultSchema
    ) -> (statement: String, rewritesTable: Bool) {
        let quoted = SQL.quoted(column)
        // A double goes to numeric through its text, which is exact (the direct cast keeps 15 digits).
        let using =
            to == .jsonb
            ? "to_jsonb(\(quoted))"
            : from == .doublePrecision ? "\(quoted)::text::\(to.rawValue)" : "\(quoted)::\(to.rawValue)"
        let statement =
            "ALTER TABLE \(SQL.qualified(schema, table)) ALTER COLUMN \(quoted) TYPE \(to.rawValue) USING \(using)"
        return (statement, from != to)
    }

    /// What would change from the approved layout to what the statistics now say: columns
    /// that crossed the presence threshold, and wider types for columns whose values outgrew
    /// them. Never a removal or a narrowing: a demotion appears only in the decision's reasons.
    public static func proposedChanges(current: TableLayout, decision: StorageDecision) -> [SchemaChange] {
        guard decision.mode == .typed else { return [] }
        let approved = Dictionary(current.columns.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        return decision.columns.compactMap { column in
            let reason =
                decision.reasons.first {
                    $0.path == column.path && ($0.outcome == .column || $0.outcome == .jsonbColumn)
                }?
                .text ?? ""
            guard let old = approved[column.path] else {
                var added = column
                added.notNull = false
                return .addColumn(added, reason: reason)
            }
            guard old.type != column.type, TypeLattice.join(old.type, column.type) == column.type else { return nil }
            return .widen(column: old.name, from: old.type, to: column.type, reason: reason)
        }
    }
}
