/// The classes a column type is chosen within: kinds in one class convert into one another
/// without loss (every number fits `numeric`; every string fits `text`), kinds in different
/// classes do not. The dominant class is the one with the most non-null values.
public enum ValueClass: String, Sendable, Hashable, Codable, CaseIterable {
    case boolean
    case number
    case string
    case array
    case object

    /// The class of a kind; `nil` for null, which belongs to no class.
    public init?(_ kind: ValueKind) {
        switch kind {
        case .null: return nil
        case .bool: self = .boolean
        case .integer, .bigInteger, .float, .hugeNumber: self = .number
        case .string: self = .string
        case .array: self = .array
        case .object: self = .object
        }
    }

    public var isScalar: Bool { self != .array && self != .object }

    /// Non-null values per class, in the order of `allCases` for ties.
    static func counts(_ kinds: [ValueKind: Int]) -> [ValueClass: Int] {
        var counts: [ValueClass: Int] = [:]
        for (kind, count) in kinds where count > 0 {
            if let valueClass = ValueClass(kind) { counts[valueClass, default: 0] += count }
        }
        return counts
    }
}
