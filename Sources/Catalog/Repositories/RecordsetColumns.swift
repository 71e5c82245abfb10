import Schema

/// The column lists of a collection table's rows as `jsonb_to_recordset` reads them. Every
/// identifier is sanitised (the layout's) and quoted; every type comes from `ColumnType`.
struct RecordsetColumns {
    /// The written columns after `asset_id`: the layout's, then `extra` and `cast_notes`; for
    /// the JSONB table, `doc`.
    let names: [String]
    private let types: [String]

    init(_ columns: [TableLayout.Column]) {
        if columns.isEmpty {
            names = ["doc"]
            types = ["jsonb"]
        } else {
            names = columns.map(\.name) + [TableLayout.extraColumn, TableLayout.notesColumn]
            types = columns.map(\.type.rawValue) + ["jsonb", "jsonb"]
        }
    }

    /// `"asset_id" <idType>, "a" bigint, …` for `AS x(…)`.
    func definitions(assetID idType: String) -> String {
        ([SQL.quoted(TableLayout.assetIDColumn) + " " + idType]
            + zip(names, types).map { SQL.quoted($0) + " " + $1 }).joined(separator: ", ")
    }

    /// `"a", "b", …` (without `asset_id`).
    var target: String { names.map(SQL.quoted).joined(separator: ", ") }

    /// `x."a", x."b", …`.
    func selected(from alias: String) -> String { names.map { "\(alias).\(SQL.quoted($0))" }.joined(separator: ", ") }
}
