/// Decides, from a collection's statistics, whether it becomes a typed table (and with which
/// columns) or stays JSONB, with one reason per path considered and one for the collection.
///
/// The decision is a pure function of its inputs: paths are visited in a fixed order
/// (presence descending, then path), names are claimed in that order, and nothing depends on
/// hashing or on the order statistics were gathered in. The same statistics and layout always
/// give the same decision.
public enum StorageDecider {
    /// JSONB-form expression indexes are capped: each one slows every write.
    public static let maximumIndexedPaths = 32

    /// `table` is the sanitised table name the decision is for; it is not needed to decide and
    /// is accepted so that callers state which table a decision belongs to.
    public static func decide(
        _ statistics: CollectionStatistics, table: String, current: TableLayout?, thresholds: StorageThresholds
    ) -> StorageDecision {
        var walk = DecisionWalk(statistics: statistics, current: current, thresholds: thresholds)
        walk.visitTopLevel()
        walk.keepUnvisitedColumns()
        let columns = walk.namedColumns()
        let leaves = LeafAccount(statistics: statistics, columns: columns, thresholds: thresholds)
        let collection = walk.collectionReason(leaves: leaves, columnCount: columns.count)
        let mode = collection.mode
        var reasons = walk.finishedReasons(columns: columns, jsonbMode: mode == .jsonb)
        reasons.append(contentsOf: walk.sparseReasons(leaves: leaves, jsonbMode: mode == .jsonb))
        reasons.append(collection.reason)
        return StorageDecision(
            mode: mode, columns: mode == .typed ? columns : [], reasons: reasons,
            indexedPaths: mode == .jsonb ? walk.indexedPaths() : [])
    }
}
