/// The document minus the values columns hold. A held leaf is removed; an object is removed
/// only when it had members and every one of them went to columns (an empty object `{}` or
/// one with a member left stays, so the document can be rebuilt exactly). Nulls at paths no
/// column holds stay; member order is kept. Duplicate keys of a held member all go, since
/// `jsonb` keeps only the last (the one the column holds).
enum ExtraValues {
    /// `nil` when nothing is left.
    static func remaining(_ document: JSONNode, trie: ColumnTrie, held: [Bool]) -> JSONNode? {
        guard let rest = remaining(node: document, trie: trie, held: held) else { return nil }
        if case .object(let members) = rest, members.isEmpty { return nil }
        return rest
    }

    private static func remaining(node: JSONNode, trie: ColumnTrie, held: [Bool]) -> JSONNode? {
        guard case .object(let members) = node, !members.isEmpty, !trie.children.isEmpty else { return node }
        var kept: [JSONMember] = []
        for member in members {
            guard let child = trie.children[member.key] else {
                kept.append(member)
                continue
            }
            if let column = child.column {
                if !held[column] { kept.append(member) }
            } else if let rest = remaining(node: member.value, trie: child, held: held) {
                kept.append(JSONMember(member.key, rest))
            }
        }
        return kept.isEmpty ? nil : .object(kept)
    }
}
