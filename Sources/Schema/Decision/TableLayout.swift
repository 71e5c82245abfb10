/// The typed table of a collection: which path each column holds, as what. Stored with each
/// schema version; rows are written and read through it.
public struct TableLayout: Sendable, Equatable, Codable {
    /// Quoted everywhere it is used; produced by `IdentifierSanitiser`.
    public var table: String
    public var columns: [Column]
    /// Paths an admin chose to keep in `extra` when approving (`keep_in_jsonb`): later reviews
    /// leave them there instead of proposing their columns again.
    public var keptInJSONB: [[String]]

    public init(table: String, columns: [Column], keptInJSONB: [[String]] = []) {
        self.table = table
        self.columns = columns
        self.keptInJSONB = keptInJSONB
    }

    enum CodingKeys: String, CodingKey {
        case table, columns, keptInJSONB
    }

    /// Layouts stored before `keptInJSONB` existed read as keeping nothing.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        table = try container.decode(String.self, forKey: .table)
        columns = try container.decode([Column].self, forKey: .columns)
        keptInJSONB = try container.decodeIfPresent([[String]].self, forKey: .keptInJSONB) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(table, forKey: .table)
        try container.encode(columns, forKey: .columns)
        if !keptInJSONB.isEmpty { try container.encode(keptInJSONB, forKey: .keptInJSONB) }
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
    /// The longest string or number text a column holds. Every text and numeric column is
    /// indexed (a B-tree, or GIN for arrays), and an index entry holds at most about 2.7 kB: a
    /// longer value would fail the insert of its whole request, so it stays in `extra`, noted.
    public static let maximumIndexedValueBytes = 2_000
}
