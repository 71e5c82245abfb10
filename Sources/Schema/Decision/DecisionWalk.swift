/// The state of one decision while the paths are visited: the columns planned so far, the
/// reasons waiting for column names, the sparse paths to summarise.
struct DecisionWalk {
    let statistics: CollectionStatistics
    /// `statistics.paths`, read once: the statistics keep a tree and build this view on each read.
    let paths: [[String]: PathStatistics]
    let thresholds: StorageThresholds
    let documents: Int
    /// Approved columns by path.
    let approved: [[String]: TableLayout.Column]
    let approvedOrder: [TableLayout.Column]
    /// Paths an admin kept in `extra` (`TableLayout.keptInJSONB`): never proposed again.
    let kept: Set<[String]>
    /// Member keys below each object path (element `[]` and map `*` paths excluded).
    let children: [[String]: [String]]

    var planned: [PlannedColumn] = []
    var pending: [PendingReason] = []
    var sparse: [(path: [String], presence: Double)] = []
    var visitedApproved: Set<[String]> = []

    init(statistics: CollectionStatistics, current: TableLayout?, thresholds: StorageThresholds) {
        self.statistics = statistics
        let paths = statistics.paths
        self.paths = paths
        self.thresholds = thresholds
        documents = statistics.documentCount
        approvedOrder = current?.columns ?? []
        approved = Dictionary(approvedOrder.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        kept = Set(current?.keptInJSONB ?? [])
        var children: [[String]: [String]] = [:]
        for path in paths.keys where !path.isEmpty {
            guard !path.contains("[]") && !path.contains("*") else { continue }
            children[Array(path.dropLast()), default: []].append(path[path.count - 1])
        }
        self.children = children
    }

    func presence(_ path: [String]) -> Double {
        guard documents > 0, let stats = paths[path] else { return 0 }
        return Double(stats.present) / Double(documents)
    }

    func choice(_ path: [String]) -> TypeChoice {
        TypeLattice.choose(
            for: paths[path] ?? PathStatistics(), elements: paths[path + ["[]"]],
            dominance: thresholds.dominantType)
    }

    /// Child keys in visiting order: presence descending, then key.
    func orderedChildren(of path: [String]) -> [[String]] {
        (children[path] ?? []).map { path + [$0] }.sorted { lhs, rhs in
            let (left, right) = (presence(lhs), presence(rhs))
            return left != right ? left > right : lhs.lexicographicallyPrecedes(rhs)
        }
    }

    mutating func visitTopLevel() {
        guard documents > 0 else { return }
        for path in orderedChildren(of: []) { visit(path, depth: 1) }
    }

    /// Approved columns whose path no longer appears at all are kept too, flagged.
    mutating func keepUnvisitedColumns() {
        for column in approvedOrder where !visitedApproved.contains(column.path) {
            keepApproved(column)
        }
    }
}

/// A column the decision will have; named once every path has been visited.
struct PlannedColumn {
    var path: [String]
    var type: ColumnType
    var notNull: Bool
    var presence: Double
    /// The approved column's name, kept as is.
    var approvedName: String?
}

/// A reason whose text needs the final column names (and whether the collection ends up JSONB,
/// where columns are only what the paths would have become).
struct PendingReason {
    var path: [String]
    var outcome: StorageDecision.Reason.Outcome
    var type: ColumnType?
    var figures: [String: Double]
    /// Column names are those of the planned columns at or below `path`.
    var text: (_ names: [String], _ jsonbMode: Bool) -> String
}
