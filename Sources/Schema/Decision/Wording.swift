/// The words reasons use for values, arrays, maps and columns.
enum Wording {
    /// `integer` when every number was an integer, `date-time` when the column is a
    /// `timestamptz`, and so on: the most precise word the statistics allow.
    static func name(of valueClass: ValueClass, at stats: PathStatistics?, type: ColumnType? = nil) -> String {
        switch valueClass {
        case .boolean: return "boolean"
        case .number:
            let kinds = stats?.kinds ?? [:]
            let others = (kinds[.bigInteger] ?? 0) + (kinds[.float] ?? 0) + (kinds[.hugeNumber] ?? 0)
            return others == 0 ? "integer" : "number"
        case .string:
            switch type {
            case .timestamptz: return "date-time"
            case .date: return "date"
            case .uuid: return "uuid"
            default: return "string"
            }
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// "arrays of strings", "arrays of mixed elements (object 60%, integer 40%)".
    static func elements(_ elements: PathStatistics?) -> String {
        guard let elements, elements.nonNull > 0 else { return "arrays, always empty" }
        let choice = TypeLattice.choose(for: elements, elements: nil, dominance: 1)
        if choice.counts.count == 1, let only = choice.dominant {
            return "arrays of \(name(of: only, at: elements))s"
        }
        let mix = choice.breakdown.map {
            "\(name(of: $0.valueClass, at: elements)) \(ReasonFormatting.percent($0.share))"
        }
        return "arrays of mixed elements (\(mix.joined(separator: ", ")))"
    }

    /// "a map: 1,000 distinct keys, each in 2% of objects": the average key's share of the
    /// objects at the path, which is what makes its keys data rather than field names.
    static func map(_ stats: PathStatistics) -> String {
        let keys = stats.distinctKeys.estimate
        let objects = stats.kinds[.object] ?? 0
        let share = keys > 0 && objects > 0 ? Double(stats.totalMembers) / Double(keys) / Double(objects) : 0
        return "a map: \(ReasonFormatting.counted(keys, "distinct key")), each in "
            + "\(ReasonFormatting.percent(min(share, 1))) of objects"
    }

    /// "text column `nested_obj__str`, NOT NULL"; the name is shown when it is not the path.
    static func column(_ type: ColumnType, _ name: String?, path: [String], notNull: Bool) -> String {
        var text = "\(type.rawValue) column"
        if let name, name != path.joined(separator: ".") { text += " `\(name)`" }
        if notNull { text += ", NOT NULL" }
        return text
    }

    static func nullShare(_ stats: PathStatistics) -> Double {
        let all = stats.nonNull + stats.nulls
        return all > 0 ? Double(stats.nulls) / Double(all) : 0
    }
}
