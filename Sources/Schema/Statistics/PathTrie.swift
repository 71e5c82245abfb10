/// The paths of a collection as a tree of nodes, one key per edge, stored in a flat array
/// (value semantics for free, no reference counting per node). Recording a document walks the
/// document and the tree together, so each member costs one dictionary lookup by its key
/// rather than hashing a whole `[String]` path.
///
/// An array's elements are the node's `elementChild` (the path component `[]`) and a map's
/// members its `memberChild` (`*`); they are kept apart from keyed children so that a document
/// key spelled `[]` or `*` cannot be confused with them inside the tree.
struct PathTrie: Sendable {
    struct Node: Sendable {
        /// The edge from the parent: a member key, `[]` or `*` (the root has "").
        let key: String
        /// The key's hash and data-likeness, computed once here rather than per member seen.
        let keyHash: UInt64
        let keyIsDataLike: Bool
        var accumulator = PathAccumulator()
        var keyChildren: [String: Int] = [:]
        var elementChild = -1
        var memberChild = -1
        /// Guesses that spare most dictionary lookups, since documents of a collection tend to
        /// list their members in the same order: the child that came first in this object last
        /// time, and the sibling that followed this node. Verified by comparing keys; dropped
        /// when nodes are renumbered.
        var firstChildGuess = -1
        var nextSiblingGuess = -1

        init(key: String, isMemberKey: Bool) {
            self.key = key
            if isMemberKey {
                var key = key
                (keyHash, keyIsDataLike) = key.withUTF8 {
                    (PathTrie.keyHash(UnsafeRawBufferPointer($0)), KeyClassification.isDataLike(utf8: $0))
                }
            } else {
                keyHash = 0
                keyIsDataLike = false
            }
        }
    }

    static let rootIndex = 0
    static let elementComponent = "[]"
    static let memberComponent = "*"

    var nodes: [Node] = [Node(key: "", isMemberKey: false)]

    static func keyHash(_ utf8: UnsafeRawBufferPointer) -> UInt64 { ValueHash.hash(utf8, seed: keySeed) }
    private static let keySeed: UInt64 = 0x6b65_7973  // "keys": keys are not values of any kind

    /// Reads one field of a node in place. `nodes[index].field` can copy the whole node first
    /// (retaining its strings, sketches and dictionary), which showed up in profiles.
    @inline(__always)
    func read<Field>(_ index: Int, _ field: (borrowing Node) -> Field) -> Field {
        nodes.withUnsafeBufferPointer { field($0[index]) }
    }

    func existingKeyChild(of parent: Int, _ key: String) -> Int? {
        nodes.withUnsafeBufferPointer { nodes in
            guard let base = nodes.baseAddress else { return nil }
            return (base + parent).pointee.keyChildren[key]
        }
    }

    mutating func keyChild(of parent: Int, _ key: String) -> Int {
        if let child = existingKeyChild(of: parent, key) { return child }
        nodes.append(Node(key: key, isMemberKey: true))
        nodes[parent].keyChildren[key] = nodes.count - 1
        return nodes.count - 1
    }

    mutating func elementChild(of parent: Int) -> Int {
        if nodes[parent].elementChild >= 0 { return nodes[parent].elementChild }
        nodes.append(Node(key: Self.elementComponent, isMemberKey: false))
        nodes[parent].elementChild = nodes.count - 1
        return nodes.count - 1
    }

    mutating func memberChild(of parent: Int) -> Int {
        if nodes[parent].memberChild >= 0 { return nodes[parent].memberChild }
        nodes.append(Node(key: Self.memberComponent, isMemberKey: false))
        nodes[parent].memberChild = nodes.count - 1
        return nodes.count - 1
    }

    /// Children in creation order, so that everything derived from the tree (merges, the
    /// encoded form) is deterministic although dictionaries iterate in random order.
    func orderedKeyChildren(of index: Int) -> [(key: String, index: Int)] {
        nodes[index].keyChildren.map { (key: $0.key, index: $0.value) }.sorted { $0.index < $1.index }
    }

    /// Every node's path, depth first; the root is `[]`.
    func forEachPath(_ body: ([String], Node) -> Void) {
        var path: [String] = []
        func visit(_ index: Int) {
            body(path, nodes[index])
            var children = orderedKeyChildren(of: index).map(\.index)
            if nodes[index].elementChild >= 0 { children.append(nodes[index].elementChild) }
            if nodes[index].memberChild >= 0 { children.append(nodes[index].memberChild) }
            for child in children {
                path.append(nodes[child].key)
                visit(child)
                path.removeLast()
            }
        }
        visit(Self.rootIndex)
    }
}
