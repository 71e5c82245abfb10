import PostgresNIO

/// A statement put together from parts that each bind their own values: `bind` returns the
/// placeholder (`$3`) of a value it appends. For queries whose shape depends on which filters
/// are present; every value still crosses as a bound parameter, never as text in the SQL.
struct BoundSQL {
    private(set) var bindings = PostgresBindings()
    private var count = 0

    mutating func bind(_ value: some PostgresNonThrowingEncodable & Sendable) -> String {
        bindings.append(value)
        count += 1
        return "$\(count)"
    }

    func query(_ sql: String) -> PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: bindings) }
}

extension MediaSearchScope {
    /// The conditions on `assets a` (and through it, its tags) that make up this scope; media
    /// only, never trashed or purged.
    func conditions(_ sql: inout BoundSQL) -> String {
        var parts = ["a.kind IN ('image', 'video')", "a.trashed_at IS NULL", "a.status <> 'purged'"]
        if let owner { parts.append("a.owner = \(sql.bind(owner))") }
        if let kind { parts.append("a.kind = \(sql.bind(kind.rawValue))") }
        if let cluster { parts.append("a.cluster_id = \(sql.bind(cluster))") }
        if let tag {
            parts.append("EXISTS (SELECT 1 FROM asset_tags t WHERE t.asset_id = a.id AND t.tag = \(sql.bind(tag)))")
        }
        if let takenAfter { parts.append("a.taken >= \(sql.bind(takenAfter))") }
        // A bound is a prefix, inclusive: `taken_before=2019` keeps all of 2019 (`~` sorts after
        // every character of the time's text; `taken` compares byte by byte).
        if let takenBefore { parts.append("a.taken < \(sql.bind(takenBefore + "~"))") }
        if let createdAfter { parts.append("a.created_at >= \(sql.bind(createdAfter))") }
        if let createdBefore { parts.append("a.created_at < \(sql.bind(createdBefore))") }
        if let excluding { parts.append("a.id <> \(sql.bind(excluding))") }
        return parts.joined(separator: " AND ")
    }
}
