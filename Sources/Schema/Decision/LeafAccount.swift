/// Where a collection's leaf values are: non-null scalars (array elements included), each
/// attributed to the path that decides its fate — the path itself, or for values inside
/// arrays and maps the array or map path, since those go to one column or none as a whole.
struct LeafAccount {
    var total = 0
    /// In paths present in fewer than `promotePresence` of the documents.
    var sparse = 0
    /// In columns, counting only the values a column's type holds.
    var held = 0

    var sparseShare: Double { total > 0 ? Double(sparse) / Double(total) : 0 }
    var columnShare: Double { total > 0 ? Double(held) / Double(total) : 0 }

    init(statistics: CollectionStatistics, columns: [TableLayout.Column], thresholds: StorageThresholds) {
        let documents = max(statistics.documentCount, 1)
        let scalarKinds: [ValueKind] = [.bool, .integer, .bigInteger, .float, .hugeNumber, .string]
        let paths = statistics.paths  // built on each read: once here
        for (path, stats) in paths {
            let scalars = scalarKinds.reduce(0) { $0 + (stats.kinds[$1] ?? 0) }
            guard scalars > 0 else { continue }
            let owner = Array(path.prefix { $0 != "[]" && $0 != "*" })
            total += scalars
            let presence = Double(paths[owner]?.present ?? 0) / Double(documents)
            if presence + 1e-12 < thresholds.promotePresence { sparse += scalars }
            guard let column = columns.first(where: { owner.starts(with: $0.path) }) else { continue }
            if path == column.path {
                let coverage = TypeLattice.coverage(
                    of: column.type, path: stats, elements: paths[path + ["[]"]])
                held += min(scalars, Int((coverage * Double(stats.nonNull)).rounded()))
            } else {
                held += scalars
            }
        }
    }
}
