/// What every document has shown at one path. Counts are of documents for the path's own
/// presence and of values for everything else (an array's element path sees every element).
///
/// Paths are lists of keys; an array's elements are the child `[]`, and the members of an
/// object found to be a map are the child `*` (see `CollectionStatistics`).
public struct PathStatistics: Sendable, Equatable {
    /// Documents in which the path is present (null included). For an element path (`[]`
    /// below it): arrays in which an element at that path was present.
    public var present: Int = 0
    /// Values seen, by kind (`.null` included).
    public var kinds: [ValueKind: Int] = [:]
    /// Distinct values (scalars by their text; containers are not counted).
    public var distinct = HyperLogLog()
    /// Smallest and largest number seen, as `Double` (for display and range reasoning).
    public var minimumNumber: Double?
    public var maximumNumber: Double?
    /// Strings: length in characters (Unicode scalars), and formats.
    public var minimumLength: Int?
    public var maximumLength: Int?
    public var totalLength: Int = 0
    /// Strings that match each format (each string counts for at most one).
    public var formats: [StringFormat: Int] = [:]
    /// Arrays: element counts.
    public var minimumElements: Int?
    public var maximumElements: Int?
    public var totalElements: Int = 0
    /// Objects: members seen in total, and those whose key looks like data (digits, a uuid, a
    /// date, a prefix and digits such as `u123`) rather than a field name.
    public var totalMembers: Int = 0
    public var dataLikeKeys: Int = 0
    /// Distinct member keys seen under this object path (exact up to a cap, then estimated).
    public var distinctKeys = HyperLogLog()
    /// Set once the object's keys are judged to be data: its members are then gathered under
    /// the single child `*` instead of one path per key.
    public var isMap = false

    public init() {}

    /// Values seen that were not null.
    public var nonNull: Int { kinds.reduce(0) { $0 + ($1.key == .null ? 0 : $1.value) } }
    public var nulls: Int { kinds[.null] ?? 0 }
}
