/// Quoting for the DDL this package writes. Values are never spliced into statements (they are
/// bound); only identifiers and the constant path literals of indexes appear in SQL text.
public enum SQL {
    /// `a"b` → `"a""b"`: a quoted identifier, whatever it contains.
    public static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacing("\"", with: "\"\"") + "\""
    }

    /// `"docs"."t"`.
    public static func qualified(_ schema: String, _ name: String) -> String {
        quoted(schema) + "." + quoted(name)
    }

    /// `it's` → `'it''s'`: a standard SQL string literal (backslashes are ordinary characters
    /// with `standard_conforming_strings`, the default since PostgreSQL 9.1). Used for DDL text
    /// only; values are bound elsewhere.
    public static func literal(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }

    /// A `text[]` literal for a JSON path, as a SQL string literal: `["a", "b"]` → `'{a,b}'`.
    /// An element is double-quoted (with `\` and `"` escaped by a backslash) when array syntax
    /// would otherwise misread it: empty, `NULL` in any case (it would become a SQL null), or
    /// containing quotes, backslashes, commas, braces or white space.
    public static func textArrayLiteral(_ path: [String]) -> String {
        let elements = path.map { key -> String in
            guard needsArrayQuoting(key) else { return key }
            return "\"" + key.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        }
        return literal("{" + elements.joined(separator: ",") + "}")
    }

    private static func needsArrayQuoting(_ key: String) -> Bool {
        if key.isEmpty || key.lowercased() == "null" { return true }
        return key.unicodeScalars.contains { scalar in
            "\"\\{},".unicodeScalars.contains(scalar) || scalar.properties.isWhitespace
        }
    }
}
