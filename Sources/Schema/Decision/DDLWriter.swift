/// The exact statements that create and evolve a collection's table; proposals show them to
/// the admin as they will run. Every identifier is quoted (`SQL.quoted`), and every name made
/// here is at most 63 bytes (`IdentifierSanitiser.fitted`), so the server never truncates one.
public enum DDLWriter {
    public static let defaultSchema = "docs"
    /// The JSONB form's document column.
    public static let documentColumn = "doc"

    /// The typed table: `asset_id`, the layout's columns, `extra`, `cast_notes`; then its indexes.
    public static func createTable(_ layout: TableLayout, schema: String = defaultSchema) -> [String] {
        let table = SQL.qualified(schema, layout.table)
        var definitions = ["\(SQL.quoted(TableLayout.assetIDColumn)) uuid PRIMARY KEY"]
        for column in layout.columns {
            definitions.append(
                "\(SQL.quoted(column.name)) \(column.type.rawValue)" + (column.notNull ? " NOT NULL" : ""))
        }
        definitions.append("\(SQL.quoted(TableLayout.extraColumn)) jsonb")
        definitions.append("\(SQL.quoted(TableLayout.notesColumn)) jsonb")
        var statements = ["CREATE TABLE \(table) (\(definitions.joined(separator: ", ")))"]
        var names = IndexNames(table: layout.table)
        for column in layout.columns {
            statements.append(contentsOf: indexes(table: layout.table, column: column, schema: schema, names: &names))
        }
        let extra = names.claim(TableLayout.extraColumn, suffix: "idx")
        statements.append(
            "CREATE INDEX \(SQL.quoted(extra)) ON \(table) USING gin (\(SQL.quoted(TableLayout.extraColumn)) jsonb_path_ops)"
        )
        statements += searchIndex(
            table: layout.table, column: TableLayout.extraColumn, type: .jsonb, schema: schema, names: &names)
        return statements
    }

    /// The indexes a column gets: a covering B-tree for scalars worth one (not `boolean`: two values
    /// rarely make a selective index), GIN for SQL arrays (`@>`, `&&`), GIN `jsonb_path_ops`
    /// for jsonb columns (containment queries into maps and arrays of objects); and for a column
    /// holding text, the full-text search's GIN index.
    public static func indexes(table: String, column: TableLayout.Column, schema: String = defaultSchema) -> [String] {
        var names = IndexNames(table: table)
        return indexes(table: table, column: column, schema: schema, names: &names)
    }

    static func indexes(
        table: String, column: TableLayout.Column, schema: String, names: inout IndexNames
    ) -> [String] {
        let target = SQL.qualified(schema, table)
        let quoted = SQL.quoted(column.name)
        let method: String
        switch column.type {
        case .boolean: return []
        case .bigint, .numeric, .doublePrecision, .timestamptz, .date, .uuid, .text:
            // Covering: a filter on the column finds its rows' ids in the index alone, and the
            // records API orders and pages by id before it reads a row (`RecordSQL`), so a
            // selective range reads index pages instead of a heap page per match.
            method = "(\(quoted)) INCLUDE (\(SQL.quoted(TableLayout.assetIDColumn)))"
        case .booleanArray, .bigintArray, .numericArray, .doubleArray, .textArray: method = "USING gin (\(quoted))"
        case .jsonb: method = "USING gin (\(quoted) jsonb_path_ops)"
        }
        return ["CREATE INDEX \(SQL.quoted(names.claim(column.name, suffix: "idx"))) ON \(target) \(method)"]
            + searchIndex(table: table, column: column.name, type: column.type, schema: schema, names: &names)
    }

    /// The JSONB (and staging) form: the document as is, a GIN index for containment, one for
    /// full-text search over its strings, and for
    /// each frequent path an expression index and extended statistics, so the planner knows
    /// how selective a condition on that path is.
    public static func createJSONBTable(
        table: String, indexedPaths: [[String]], schema: String = defaultSchema
    ) -> [String] {
        let target = SQL.qualified(schema, table)
        let document = SQL.quoted(documentColumn)
        var names = IndexNames(table: table)
        var statements = [
            "CREATE TABLE \(target) (\(SQL.quoted(TableLayout.assetIDColumn)) uuid PRIMARY KEY, \(document) jsonb NOT NULL)",
            "CREATE INDEX \(SQL.quoted(names.claim(documentColumn, suffix: "idx"))) ON \(target) USING gin (\(document) jsonb_path_ops)",
        ]
        statements += searchIndex(table: table, column: documentColumn, type: .jsonb, schema: schema, names: &names)
        for path in indexedPaths {
            let expression = "\(document) #> \(SQL.textArrayLiteral(path))"
            let part = path.map { IdentifierSanitiser.words($0, fallback: "field") }.joined(separator: "__")
            let index = names.claim(part, suffix: "idx", original: path)
            let statistics = names.claim(part, suffix: "stats", original: path)
            statements.append("CREATE INDEX \(SQL.quoted(index)) ON \(target) ((\(expression)))")
            statements.append("CREATE STATISTICS \(SQL.quoted(statistics)) ON (\(expression)) FROM \(target)")
        }
        return statements
    }
}

/// Names of one table's indexes and statistics: `<table>__<part>_<suffix>`, shortened to 63
/// bytes with a hash of what they were made from, and unique among themselves.
struct IndexNames {
    let table: String
    var sanitiser = IdentifierSanitiser()

    init(table: String) {
        self.table = table
    }

    mutating func claim(_ part: String, suffix: String, original: [String]? = nil) -> String {
        let origin = ([table] + (original ?? [part]) + [suffix]).joined(separator: "\u{1F}")
        return sanitiser.claimSanitised("\(table)__\(part)_\(suffix)", original: origin)
    }
}
