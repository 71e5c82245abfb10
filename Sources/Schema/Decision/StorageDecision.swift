/// What the statistics say a collection should be: a typed table (with its columns) or JSONB,
/// each choice with the numbers behind it, shown to the admin who approves it.
public struct StorageDecision: Sendable, Equatable, Codable {
    public enum Mode: String, Sendable, Codable {
        case typed
        case jsonb
    }

    public var mode: Mode
    /// The columns of the typed table (empty for JSONB).
    public var columns: [TableLayout.Column]
    /// One line per path considered and one for the collection as a whole, e.g.
    /// "`price`: present in 98%, numeric in 100% → numeric column".
    public var reasons: [Reason]
    /// Paths that get an expression index (and extended statistics) in JSONB form, or inside
    /// `extra`/jsonb columns in typed form.
    public var indexedPaths: [[String]]

    public init(mode: Mode, columns: [TableLayout.Column], reasons: [Reason], indexedPaths: [[String]]) {
        self.mode = mode
        self.columns = columns
        self.reasons = reasons
        self.indexedPaths = indexedPaths
    }

    public struct Reason: Sendable, Equatable, Codable {
        public enum Outcome: String, Sendable, Codable {
            /// A typed column (scalar or SQL array).
            case column
            /// A jsonb column (a map, an array of objects, an object below the flatten depth).
            case jsonbColumn = "jsonb-column"
            /// Left in `extra` (too sparse, or no type dominates).
            case extra
            /// Flattened into its children's columns.
            case flattened
            /// The decision for the collection as a whole.
            case collection
        }

        /// Empty for the collection as a whole.
        public var path: [String]
        public var outcome: Outcome
        /// The column it became, if any.
        public var column: String?
        public var type: ColumnType?
        /// The sentence shown, with its numbers.
        public var text: String
        /// The numbers themselves, for clients: presence, dominant-type share, null share, …
        public var figures: [String: Double]

        public init(
            path: [String], outcome: Outcome, column: String?, type: ColumnType?, text: String,
            figures: [String: Double]
        ) {
            self.path = path
            self.outcome = outcome
            self.column = column
            self.type = type
            self.text = text
            self.figures = figures
        }
    }
}
