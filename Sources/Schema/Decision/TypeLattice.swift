/// Chooses a path's column type from its statistics. The admin documentation copies this table:
///
/// | values seen (non-null)                              | column type                 |
/// |-----------------------------------------------------|-----------------------------|
/// | booleans                                            | `boolean`                   |
/// | integers (within Int64)                             | `bigint`                    |
/// | integers, some beyond Int64                         | `numeric`                   |
/// | integers and floats                                 | `double precision`          |
/// | floats and integers beyond Int64                    | `numeric`                   |
/// | any number beyond Double's range (`1e400`)          | `numeric`                   |
/// | strings, every one a date-time                      | `timestamptz`               |
/// | strings, every one a date                           | `date`                      |
/// | strings, dates and date-times                       | `timestamptz`               |
/// | strings, every one a uuid                           | `uuid`                      |
/// | any other strings                                   | `text`                      |
/// | arrays whose elements are one scalar class          | `boolean[]`, `bigint[]`, `numeric[]`, `double precision[]`, `text[]` |
/// | arrays of objects, of arrays, of mixed elements     | `jsonb`                     |
/// | objects                                             | flattened, or `jsonb`       |
/// | no class covers the dominance share (95%)           | `jsonb` (kept in `extra`)   |
///
/// Classes (`ValueClass`) merge the kinds that convert without loss; the dominant class is the
/// largest, and the values outside it are the ones that will not cast (they stay in `extra`).
public enum TypeLattice {
    /// The type for a path's values; `elements` is the statistics of its `[]` child (arrays).
    /// When the dominant class covers less than `dominance` of the non-null values the type is
    /// `jsonb`, the only type that holds them all.
    public static func choose(
        for path: PathStatistics, elements: PathStatistics?, dominance: Double = 0.95
    ) -> TypeChoice {
        let counts = ValueClass.counts(path.kinds)
        let nonNull = counts.values.reduce(0, +)
        // Largest count wins; ties go to the class listed first, so the choice is deterministic.
        var dominant: ValueClass?
        for valueClass in ValueClass.allCases where (counts[valueClass] ?? 0) > (dominant.flatMap { counts[$0] } ?? 0) {
            dominant = valueClass
        }
        guard let dominant, nonNull > 0 else {
            return TypeChoice(type: .jsonb, dominant: nil, share: 0, counts: counts, nonNull: 0)
        }
        let share = Double(counts[dominant] ?? 0) / Double(nonNull)
        let type = share + 1e-12 >= dominance ? type(of: dominant, path: path, elements: elements) : .jsonb
        return TypeChoice(type: type, dominant: dominant, share: share, counts: counts, nonNull: nonNull)
    }

    /// The narrowest type that holds every value of `valueClass` seen at the path.
    public static func type(of valueClass: ValueClass, path: PathStatistics, elements: PathStatistics?) -> ColumnType {
        switch valueClass {
        case .boolean: return .boolean
        case .number: return numberType(path.kinds)
        case .string: return stringType(strings: path.kinds[.string] ?? 0, formats: path.formats)
        case .object: return .jsonb
        case .array: return elements.map(arrayType(elements:)) ?? .jsonb
        }
    }

    static func numberType(_ kinds: [ValueKind: Int]) -> ColumnType {
        let has = { (kind: ValueKind) in (kinds[kind] ?? 0) > 0 }
        if has(.hugeNumber) || (has(.bigInteger) && has(.float)) { return .numeric }
        if has(.float) { return .doublePrecision }
        if has(.bigInteger) { return .numeric }
        return .bigint
    }

    static func stringType(strings: Int, formats: [StringFormat: Int]) -> ColumnType {
        let dateTimes = formats[.dateTime] ?? 0
        let dates = formats[.date] ?? 0
        guard strings > 0 else { return .text }
        if dates == strings { return .date }
        if dateTimes + dates == strings { return .timestamptz }
        if formats[.uuid] ?? 0 == strings { return .uuid }
        return .text
    }

    /// An SQL array only when every non-null element is of one scalar class (nulls become NULL
    /// elements); anything else, including arrays that were always empty, is `jsonb`.
    static func arrayType(elements: PathStatistics) -> ColumnType {
        let counts = ValueClass.counts(elements.kinds)
        guard counts.count == 1, let (valueClass, _) = counts.first else { return .jsonb }
        switch valueClass {
        case .boolean: return .booleanArray
        case .string: return .textArray
        case .number:
            switch numberType(elements.kinds) {
            case .bigint: return .bigintArray
            case .doublePrecision: return .doubleArray
            default: return .numericArray
            }
        case .array, .object: return .jsonb
        }
    }
}

/// What the lattice chose for one path, with the numbers behind it.
public struct TypeChoice: Sendable, Equatable {
    /// `jsonb` when no class dominates (the path then stays in `extra`) or for containers.
    public var type: ColumnType
    /// The class with the most non-null values; `nil` when every value was null.
    public var dominant: ValueClass?
    /// The dominant class's share of the non-null values.
    public var share: Double
    public var counts: [ValueClass: Int]
    public var nonNull: Int

    /// Each class's share, largest first (ties in `ValueClass` order): `integer 34%, string 33%`.
    public var breakdown: [(valueClass: ValueClass, share: Double)] {
        guard nonNull > 0 else { return [] }
        return ValueClass.allCases.compactMap { valueClass in
            counts[valueClass].map { (valueClass, Double($0) / Double(nonNull)) }
        }.enumerated().sorted { lhs, rhs in
            lhs.element.share != rhs.element.share ? lhs.element.share > rhs.element.share : lhs.offset < rhs.offset
        }.map(\.element)
    }
}
