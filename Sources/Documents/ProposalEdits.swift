import Schema

/// What an admin may change in a schema proposal before approving it: a column's name, its
/// type, or whether a path gets a column at all (left out, its values stay in `extra`).
public struct ProposalEdits: Sendable, Codable, Equatable {
    /// Column name → new name (sanitised like every identifier).
    public var rename: [String: String]
    /// Column name → type.
    public var types: [String: ColumnType]
    /// Columns to leave out: their paths stay JSON, in `extra`, and are not proposed again.
    public var keepInJSONB: [String]

    public init(rename: [String: String] = [:], types: [String: ColumnType] = [:], keepInJSONB: [String] = []) {
        self.rename = rename
        self.types = types
        self.keepInJSONB = keepInJSONB
    }

    enum CodingKeys: String, CodingKey {
        case rename, types
        case keepInJSONB = "keep_in_jsonb"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rename = try container.decodeIfPresent([String: String].self, forKey: .rename) ?? [:]
        types = try container.decodeIfPresent([String: ColumnType].self, forKey: .types) ?? [:]
        keepInJSONB = try container.decodeIfPresent([String].self, forKey: .keepInJSONB) ?? []
    }

    public var isEmpty: Bool { rename.isEmpty && types.isEmpty && keepInJSONB.isEmpty }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// The layout with the edits made. Only columns the proposal adds may be edited (`fixed`
    /// are those of the table as it is, which an evolution leaves alone).
    func applied(to layout: TableLayout, fixed: Set<String> = []) throws -> TableLayout {
        let names = Set(layout.columns.map(\.name))
        for name in Set(rename.keys).union(types.keys).union(keepInJSONB) {
            guard names.contains(name) else { throw Invalid(description: "the proposal has no column '\(name)'") }
            guard !fixed.contains(name) else {
                throw Invalid(
                    description: "column '\(name)' already exists; only the proposal's new columns can be edited")
            }
        }
        var columns = layout.columns.filter { !keepInJSONB.contains($0.name) }
        guard !columns.isEmpty else {
            throw Invalid(description: "the edits leave no column; reject the proposal to keep the collection as JSONB")
        }
        var taken = Set(columns.map(\.name)).union(TableLayout.systemColumns)
        for index in columns.indices {
            let column = columns[index]
            if let type = types[column.name] {
                columns[index].type = type
                // A type the data may not fit cannot promise NOT NULL for every row.
                if type != column.type { columns[index].notNull = false }
            }
            if let newName = rename[column.name] {
                guard IdentifierSanitiser.base(newName) == newName, newName.utf8.count <= 63 else {
                    throw Invalid(
                        description:
                            "'\(newName)' is not a plain identifier: use lower snake case (for example '\(IdentifierSanitiser.base(newName))')"
                    )
                }
                taken.remove(column.name)
                guard taken.insert(newName).inserted else {
                    throw Invalid(description: "column name '\(newName)' is already used")
                }
                columns[index].name = newName
            }
        }
        // Remembered with the layout, so that later reviews leave these paths in `extra`.
        let kept = layout.columns.filter { keepInJSONB.contains($0.name) }.map(\.path)
        return TableLayout(table: layout.table, columns: columns, keptInJSONB: layout.keptInJSONB + kept)
    }

    /// An approved layout with a review's changes made: new columns appended, widened types.
    static func apply(_ changes: [SchemaChange], to layout: TableLayout) -> TableLayout {
        var target = layout
        for change in changes {
            switch change {
            case .addColumn(let column, _):
                target.columns.append(
                    TableLayout.Column(name: column.name, path: column.path, type: column.type, notNull: false))
            case .widen(let name, _, let type, _):
                if let index = target.columns.firstIndex(where: { $0.name == name }) {
                    target.columns[index].type = type
                }
            }
        }
        return target
    }
}

extension SchemaChange {
    /// The column the change is about.
    var column: String {
        switch self {
        case .addColumn(let column, _): return column.name
        case .widen(let column, _, _, _): return column
        }
    }
}
