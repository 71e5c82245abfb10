extension TypeLattice {
    /// The narrowest type that holds both: how an approved column widens when the data outgrow
    /// it. Numbers widen within numbers (`bigint` → `double precision` → `numeric`), strings
    /// within strings (`date` → `timestamptz` → `text`), arrays likewise; anything else meets
    /// at `jsonb`, which holds every value (and keeps numbers numbers and strings strings).
    public static func join(_ lhs: ColumnType, _ rhs: ColumnType) -> ColumnType {
        if lhs == rhs { return lhs }
        let numbers: [ColumnType] = [.bigint, .doublePrecision, .numeric]
        let numberArrays: [ColumnType] = [.bigintArray, .doubleArray, .numericArray]
        for ladder in [numbers, numberArrays] {
            if let left = ladder.firstIndex(of: lhs), let right = ladder.firstIndex(of: rhs) {
                return ladder[max(left, right)]
            }
        }
        let strings: Set<ColumnType> = [.timestamptz, .date, .uuid, .text]
        if strings.contains(lhs) && strings.contains(rhs) {
            return Set([lhs, rhs]) == [.date, .timestamptz] ? .timestamptz : .text
        }
        return .jsonb
    }

    /// The share of a path's non-null values that a column of `type` holds, as far as the
    /// statistics tell (for `double precision` they cannot tell which floats round-trip, so
    /// every integer and float counts).
    public static func coverage(of type: ColumnType, path: PathStatistics, elements: PathStatistics?) -> Double {
        let nonNull = path.nonNull
        guard nonNull > 0 else { return 1 }
        let count = { (kinds: [ValueKind]) in kinds.reduce(0) { $0 + (path.kinds[$1] ?? 0) } }
        let held: Int
        switch type {
        case .boolean: held = count([.bool])
        case .bigint: held = count([.integer])
        case .doublePrecision: held = count([.integer, .float])
        case .numeric: held = count([.integer, .bigInteger, .float, .hugeNumber])
        case .text: held = count([.string])
        case .timestamptz: held = (path.formats[.dateTime] ?? 0) + (path.formats[.date] ?? 0)
        case .date: held = path.formats[.date] ?? 0
        case .uuid: held = path.formats[.uuid] ?? 0
        case .jsonb: held = nonNull
        case .booleanArray, .bigintArray, .numericArray, .doubleArray, .textArray:
            let elementType = elements.map(arrayType(elements:)) ?? .jsonb
            let fits = elementType != .jsonb && join(elementType, type) == type
            held = fits || (elements?.nonNull ?? 0) == 0 ? count([.array]) : 0
        }
        return Double(held) / Double(nonNull)
    }
}
