/// The SQL types a column can have, as they appear in DDL. The type lattice (docs/json.md)
/// maps a path's statistics to one of them.
public enum ColumnType: String, Sendable, Hashable, Codable, CaseIterable {
    case boolean
    case bigint
    case numeric
    case doublePrecision = "double precision"
    case timestamptz
    case date
    case uuid
    case text
    case jsonb
    case booleanArray = "boolean[]"
    case bigintArray = "bigint[]"
    case numericArray = "numeric[]"
    case doubleArray = "double precision[]"
    case textArray = "text[]"
}
