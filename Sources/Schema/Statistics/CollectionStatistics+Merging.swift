extension CollectionStatistics {
    /// Adds another batch's statistics, exactly: the result equals having added both batches'
    /// documents to one. Where either side found a map, the other side's keyed paths there are
    /// folded into `*`; paths that only the union shows to be maps become maps here.
    public mutating func merge(_ other: CollectionStatistics, thresholds: StorageThresholds = StorageThresholds()) {
        documentCount += other.documentCount
        trie.mergeSubtree(from: other.trie.nodes, PathTrie.rootIndex, into: PathTrie.rootIndex)
        trie.compact()
        // Parents before children; a fold renumbers nodes, so start over after each one.
        var index = 0
        while index < trie.nodes.count {
            if trie.becomeMapIfWarranted(index, thresholds: thresholds) {
                index = 0
            } else {
                index += 1
            }
        }
    }
}
