/// Turns a document into one record for PostgreSQL's `jsonb_to_recordset`, in the layout's
/// column order: `{"asset_id":…,"<column>":…,"extra":…,"cast_notes":…}`. A value goes into
/// its column only when it casts without loss; otherwise the column is null, the value stays
/// in `extra` at its path and `cast_notes` says why. Nothing in the document is ever dropped:
/// `extra` is the document minus exactly the values the columns hold.
public struct RowEncoder: Sendable {
    public let layout: TableLayout
    let trie: ColumnTrie

    public init(layout: TableLayout) {
        self.layout = layout
        trie = ColumnTrie(layout.columns)
    }

    /// Appends the record's JSON to `output`.
    @discardableResult
    public func appendRecord(assetID: String, document: JSONNode, to output: inout [UInt8]) -> RowOutcome {
        let row = evaluate(document)
        var members = [JSONMember(TableLayout.assetIDColumn, .string(assetID))]
        for (column, value) in zip(layout.columns, row.values) {
            members.append(JSONMember(column.name, value))
        }
        members.append(JSONMember(TableLayout.extraColumn, row.extra ?? .null))
        let notes = row.failures.map { JSONMember($0.path.joined(separator: "."), .string($0.message)) }
        members.append(JSONMember(TableLayout.notesColumn, notes.isEmpty ? .null : .object(notes)))
        JSONNode.object(members).write(to: &output)
        return RowOutcome(castFailures: row.failures.map(\.path), extraIsEmpty: row.extra == nil)
    }

    /// Every column's value, what did not cast, and what is left for `extra`.
    func evaluate(_ document: JSONNode) -> Row {
        var row = Row()
        var held = [Bool](repeating: false, count: layout.columns.count)
        for (index, column) in layout.columns.enumerated() {
            guard let value = Self.value(at: column.path, in: document) else {
                row.values.append(.null)
                continue
            }
            if value == .null {
                // The column's NULL stands for the explicit null, so `extra` need not keep it.
                row.values.append(.null)
                held[index] = true
                continue
            }
            switch ColumnCast.cast(value, to: column.type) {
            case .held(let written):
                row.values.append(written)
                held[index] = true
            case .failed(let message):
                row.values.append(.null)
                row.failures.append((column.path, message))
            }
        }
        row.extra = ExtraValues.remaining(document, trie: trie, held: held)
        return row
    }

    /// The value at `path`, walking objects only; the last of duplicate keys wins, as in `jsonb`.
    static func value(at path: [String], in document: JSONNode) -> JSONNode? {
        var node = document
        for key in path {
            guard case .object(let members) = node, let member = members.last(where: { $0.key == key }) else {
                return nil
            }
            node = member.value
        }
        return node
    }

    struct Row {
        var values: [JSONNode] = []
        var failures: [(path: [String], message: String)] = []
        var extra: JSONNode?
    }
}

/// What happened to one document.
public struct RowOutcome: Sendable, Equatable {
    /// Paths whose value did not cast to its column's type (kept in `extra`, noted in `cast_notes`).
    public var castFailures: [[String]]
    /// Whether every value of the document went into a column.
    public var extraIsEmpty: Bool

    public var castFailureCount: Int { castFailures.count }

    public init(castFailures: [[String]], extraIsEmpty: Bool) {
        self.castFailures = castFailures
        self.extraIsEmpty = extraIsEmpty
    }
}

/// The columns' paths as a tree of keys, to take their values out of a document in one pass.
struct ColumnTrie: Sendable {
    /// The column (index in the layout) at this node's path.
    var column: Int?
    var children: [String: ColumnTrie] = [:]

    init(_ columns: [TableLayout.Column]) {
        for (index, column) in columns.enumerated() { insert(column.path[...], index: index) }
    }

    private init() {}

    private mutating func insert(_ path: ArraySlice<String>, index: Int) {
        guard let key = path.first else {
            column = column ?? index
            return
        }
        var child = children[key] ?? ColumnTrie()
        child.insert(path.dropFirst(), index: index)
        children[key] = child
    }
}
