/// The typed table of a collection: which path each column holds, as what. Stored with each
/// schema version; rows are written and read through it.
public struct TableLayout: Sendable, Equatable, Codable {
    /// Quoted everywhere it is used; produced by `IdentifierSanitiser`.
    public var table: String
    public var columns: [Column]

    public init(table: String, columns: [Column]) {
        self.table = table
        self.columns = columns
    }

    public struct Column: Sendable, Equatable, Codable {
        /// The SQL identifier (sanitised, unique in the table, never a system column's name).
        public var name: String
        /// The JSON path it holds (keys from the document's root).
        public var path: [String]
        public var type: ColumnType
        public var notNull: Bool

        public init(name: String, path: [String], type: ColumnType, notNull: Bool) {
            self.name = name
            self.path = path
            self.type = type
            self.notNull = notNull
        }
    }

    /// Columns every table has besides the layout's own.
    public static let assetIDColumn = "asset_id"
    /// Every value no column holds, so nothing is ever dropped.
    public static let extraColumn = "extra"
    /// Why a value is in `extra` rather than its column (it did not cast), by path.
    public static let notesColumn = "cast_notes"
    public static let systemColumns = [assetIDColumn, extraColumn, notesColumn]
}
