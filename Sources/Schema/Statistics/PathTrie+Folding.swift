extension PathTrie {
    /// Marks a node as a map and folds its keyed children into `*`, merging their subtrees, so
    /// nothing recorded before the decision is lost and later members all land on `*`.
    /// Node indices change (the folded nodes are dropped), so callers must not hold any.
    mutating func makeMap(_ index: Int) {
        foldIntoMemberChild(index)
        compact()
    }

    /// Merges `other`'s subtree at `sourceIndex` into this tree's node `target`.
    mutating func mergeSubtree(from source: [Node], _ sourceIndex: Int, into target: Int) {
        let wasMap = nodes[target].accumulator.isMap
        nodes[target].accumulator.merge(source[sourceIndex].accumulator)
        if !wasMap && nodes[target].accumulator.isMap { foldIntoMemberChild(target) }
        if source[sourceIndex].elementChild >= 0 {
            mergeSubtree(from: source, source[sourceIndex].elementChild, into: elementChild(of: target))
        }
        if source[sourceIndex].memberChild >= 0 {
            mergeSubtree(from: source, source[sourceIndex].memberChild, into: memberChild(of: target))
        }
        let keyed = source[sourceIndex].keyChildren.map { (key: $0.key, index: $0.value) }.sorted {
            $0.index < $1.index
        }
        for child in keyed {
            let destination =
                nodes[target].accumulator.isMap ? memberChild(of: target) : keyChild(of: target, child.key)
            mergeSubtree(from: source, child.index, into: destination)
        }
    }

    /// The fold without compaction (the folded nodes stay in `nodes`, unreachable).
    mutating func foldIntoMemberChild(_ index: Int) {
        nodes[index].accumulator.isMap = true
        let keyed = orderedKeyChildren(of: index)
        guard !keyed.isEmpty else { return }
        nodes[index].keyChildren = [:]
        let member = memberChild(of: index)
        let snapshot = nodes
        for child in keyed { mergeSubtree(from: snapshot, child.index, into: member) }
    }

    /// Drops nodes no longer reachable from the root, keeping the depth-first creation order.
    mutating func compact() {
        var compacted: [Node] = []
        compacted.reserveCapacity(nodes.count)
        func copy(_ index: Int) -> Int {
            let newIndex = compacted.count
            compacted.append(nodes[index])
            compacted[newIndex].firstChildGuess = -1
            compacted[newIndex].nextSiblingGuess = -1
            var keyChildren: [String: Int] = [:]
            keyChildren.reserveCapacity(nodes[index].keyChildren.count)
            for child in orderedKeyChildren(of: index) { keyChildren[child.key] = copy(child.index) }
            compacted[newIndex].keyChildren = keyChildren
            if nodes[index].elementChild >= 0 { compacted[newIndex].elementChild = copy(nodes[index].elementChild) }
            if nodes[index].memberChild >= 0 { compacted[newIndex].memberChild = copy(nodes[index].memberChild) }
            return newIndex
        }
        _ = copy(Self.rootIndex)
        nodes = compacted
    }
}
