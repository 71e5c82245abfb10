/// One change to an approved table, proposed to the admin with the reason behind it.
public enum SchemaChange: Sendable, Equatable, Codable {
    case addColumn(TableLayout.Column, reason: String)
    case widen(column: String, from: ColumnType, to: ColumnType, reason: String)

    /// Coded by hand as `{"kind":"add-column","column":{…},"reason":"…"}` or
    /// `{"kind":"widen","column":"c","from":"bigint","to":"numeric","reason":"…"}`: clients
    /// read it, and the synthesised form (`{"addColumn":{"_0":…}}`) is not meant for them.
    private enum CodingKeys: String, CodingKey {
        case kind, column, from, to, reason
    }

    private enum Kind: String, Codable {
        case addColumn = "add-column"
        case widen
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let reason = try container.decode(String.self, forKey: .reason)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .addColumn:
            self = .addColumn(try container.decode(TableLayout.Column.self, forKey: .column), reason: reason)
        case .widen:
            self = .widen(
                column: try container.decode(String.self, forKey: .column),
                from: try container.decode(ColumnType.self, forKey: .from),
                to: try container.decode(ColumnType.self, forKey: .to), reason: reason)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .addColumn(let column, let reason):
            try container.encode(Kind.addColumn, forKey: .kind)
            try container.encode(column, forKey: .column)
            try container.encode(reason, forKey: .reason)
        case .widen(let column, let from, let to, let reason):
            try container.encode(Kind.widen, forKey: .kind)
            try container.encode(column, forKey: .column)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
            try container.encode(reason, forKey: .reason)
        }
    }
}
