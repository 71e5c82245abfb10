/// Statistics of every document of a collection, path by path. Built incrementally (`add`) and
/// mergeable (`merge`): a batch's statistics merged into the stored ones give exactly what one
/// pass over all the documents would have given (the distinct-count sketches included).
///
/// What `present` counts: for the root, documents; for a member path, the objects at the
/// parent path that had the member (so documents, for top-level fields); for an element path
/// `[…, "[]"]`, the non-empty arrays; for a map's members `[…, "*"]`, members. Counting per
/// containing value is what makes a map's per-key paths fold exactly into `*`.
public struct CollectionStatistics: Sendable, Equatable {
    public var documentCount: Int = 0
    var trie = PathTrie()

    public init() {}

    /// Keyed by the path's keys; the root object is `[]`. Built from the path tree on each
    /// read (prefer `statistics(at:)` for a few paths); assigning it rebuilds the tree.
    public var paths: [[String]: PathStatistics] {
        get {
            var paths: [[String]: PathStatistics] = [:]
            trie.forEachPath { path, node in
                if !node.accumulator.isPristine { paths[path] = node.accumulator.statistics }
            }
            return paths
        }
        set { trie = PathTrie(paths: newValue) }
    }

    /// The number of paths recorded (what `paths.count` would be, without building it).
    public var pathCount: Int {
        var count = 0
        trie.forEachPath { _, node in if !node.accumulator.isPristine { count += 1 } }
        return count
    }

    /// One path's statistics, or nil if it was never seen.
    public func statistics(at path: [String]) -> PathStatistics? {
        guard let index = trie.index(of: path), !trie.nodes[index].accumulator.isPristine else { return nil }
        return trie.nodes[index].accumulator.statistics
    }

    /// Equal when they describe the same documents, however the tree is laid out inside.
    public static func == (left: CollectionStatistics, right: CollectionStatistics) -> Bool {
        left.documentCount == right.documentCount && left.paths == right.paths
    }
}

extension PathTrie {
    init(paths: [[String]: PathStatistics]) {
        self.init()
        // Parents first, so a map flag is in place before its children arrive.
        for (path, statistics) in paths.sorted(by: { $0.key.count < $1.key.count }) {
            var index = Self.rootIndex
            for component in path {
                switch component {
                case Self.elementComponent: index = elementChild(of: index)
                case Self.memberComponent: index = memberChild(of: index)
                default: index = keyChild(of: index, component)
                }
            }
            nodes[index].accumulator = PathAccumulator(statistics)
        }
    }

    func index(of path: [String]) -> Int? {
        var index = Self.rootIndex
        for component in path {
            let next: Int?
            switch component {
            case Self.elementComponent: next = nodes[index].elementChild
            case Self.memberComponent: next = nodes[index].memberChild
            default: next = nodes[index].keyChildren[component]
            }
            guard let next, next >= 0 else { return nil }
            index = next
        }
        return index
    }
}
