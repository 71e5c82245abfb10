extension CollectionStatistics {
    /// Records one document: every path in it, its value's kind, distinct values, number range,
    /// string lengths and formats, array sizes and object keys; and turns object paths whose
    /// keys are data into maps (see `MapDetection`).
    public mutating func add(_ document: JSONNode, thresholds: StorageThresholds = StorageThresholds()) {
        documentCount += 1
        trie.nodes[PathTrie.rootIndex].accumulator.present += 1
        var recorder = DocumentRecorder(thresholds: thresholds)
        recorder.record(document, at: PathTrie.rootIndex, in: &trie)
        // Folding leaves unreachable nodes behind; dropping them renumbers nodes, which is only
        // safe once no recursion holds an index.
        if recorder.madeMap { trie.compact() }
    }
}

/// One document's walk over the path tree.
private struct DocumentRecorder {
    let thresholds: StorageThresholds
    var madeMap = false

    init(thresholds: StorageThresholds) { self.thresholds = thresholds }

    mutating func record(_ value: JSONNode, at index: Int, in trie: inout PathTrie) {
        switch value {
        case .null: trie.nodes[index].accumulator.recordNull()
        case .bool(let flag): trie.nodes[index].accumulator.recordBool(flag)
        case .number(let number): trie.nodes[index].accumulator.recordNumber(number)
        case .string(let string): trie.nodes[index].accumulator.recordString(string)
        case .array(let elements):
            trie.nodes[index].accumulator.recordArray(count: elements.count)
            guard !elements.isEmpty else { return }
            let child = trie.elementChild(of: index)
            trie.nodes[child].accumulator.present += 1
            for element in elements { record(element, at: child, in: &trie) }
        case .object(let members):
            trie.nodes[index].accumulator.recordObject(memberCount: members.count)
            if trie.read(index, { $0.accumulator.isMap }) {
                recordMapMembers(members, at: index, in: &trie)
            } else {
                recordFields(members, at: index, in: &trie)
            }
        }
    }

    private mutating func recordFields(_ members: [JSONMember], at index: Int, in trie: inout PathTrie) {
        var newKeyAppeared = false
        var guess = trie.read(index) { $0.firstChildGuess }
        var previous = -1
        for member in members {
            let child: Int
            if guess >= 0 && trie.read(guess, { $0.key == member.key }) {
                child = guess
            } else if let existing = trie.existingKeyChild(of: index, member.key) {
                child = existing
            } else {
                child = trie.keyChild(of: index, member.key)
                newKeyAppeared = true
            }
            if guess != child {
                if previous >= 0 {
                    trie.nodes[previous].nextSiblingGuess = child
                } else {
                    trie.nodes[index].firstChildGuess = child
                }
            }
            previous = child
            guess = trie.read(child) { $0.nextSiblingGuess }
            let (keyHash, keyIsDataLike) = trie.read(child) { ($0.keyHash, $0.keyIsDataLike) }
            trie.nodes[index].accumulator.recordKey(hash: keyHash, isDataLike: keyIsDataLike)
            trie.nodes[child].accumulator.present += 1
            record(member.value, at: child, in: &trie)
        }
        guard index != PathTrie.rootIndex else { return }
        let (keyCount, objectCount) = trie.read(index) { ($0.keyChildren.count, $0.accumulator.objectCount) }
        guard
            MapDetection.shouldCheck(
                newKeyAppeared: newKeyAppeared, keyCount: keyCount, objectCount: objectCount, thresholds: thresholds),
            MapDetection.looksLikeMap(trie.nodes[index].accumulator, distinctKeys: keyCount, thresholds: thresholds)
        else { return }
        trie.foldIntoMemberChild(index)
        madeMap = true
    }

    private mutating func recordMapMembers(_ members: [JSONMember], at index: Int, in trie: inout PathTrie) {
        let child = trie.memberChild(of: index)
        for member in members {
            var key = member.key
            let (keyHash, keyIsDataLike) = key.withUTF8 {
                (PathTrie.keyHash(UnsafeRawBufferPointer($0)), KeyClassification.isDataLike(utf8: $0))
            }
            trie.nodes[index].accumulator.recordKey(hash: keyHash, isDataLike: keyIsDataLike)
            trie.nodes[child].accumulator.present += 1
            record(member.value, at: child, in: &trie)
        }
    }
}
