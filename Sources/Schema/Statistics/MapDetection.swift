/// When an object path holds data in its keys (users by id, counts by date) rather than field
/// names. Such a path would otherwise grow one path (and one candidate column) per key.
enum MapDetection {
    /// The thresholds' rule: enough distinct keys, and either each key appears in few of the
    /// objects, or most keys look like identifiers, dates or addresses.
    static func looksLikeMap(
        _ accumulator: PathAccumulator, distinctKeys: Int, thresholds: StorageThresholds
    ) -> Bool {
        guard distinctKeys >= thresholds.mapMinimumKeys, accumulator.totalMembers > 0 else { return false }
        // Objects, not `present`: below an array, `present` counts arrays, not their elements.
        let objects = max(accumulator.objectCount, 1)
        let keyPresence = Double(accumulator.totalMembers) / Double(distinctKeys) / Double(objects)
        let dataLikeShare = Double(accumulator.dataLikeKeys) / Double(accumulator.totalMembers)
        return keyPresence <= thresholds.mapKeyPresence || dataLikeShare >= thresholds.mapDataLikeKeys
    }

    /// Checking costs little but is not free, so it happens when the evidence changes: a new
    /// key appeared (once there are enough keys), or the object count reached a power of two
    /// (presence falls as objects accumulate without new keys).
    static func shouldCheck(
        newKeyAppeared: Bool, keyCount: Int, objectCount: Int, thresholds: StorageThresholds
    )
        -> Bool
    {
        guard keyCount >= thresholds.mapMinimumKeys else { return false }
        return newKeyAppeared || objectCount & (objectCount - 1) == 0
    }
}

extension PathTrie {
    /// Turns the node into a map if its evidence says so. The root never becomes one: its keys
    /// are the documents' fields, however many (NoBench's `sparse_000`…`sparse_999`).
    /// Returns whether it did (node indices have then changed).
    @discardableResult
    mutating func becomeMapIfWarranted(_ index: Int, thresholds: StorageThresholds) -> Bool {
        guard index != Self.rootIndex, !nodes[index].accumulator.isMap,
            MapDetection.looksLikeMap(
                nodes[index].accumulator, distinctKeys: nodes[index].keyChildren.count, thresholds: thresholds)
        else { return false }
        makeMap(index)
        return true
    }
}
