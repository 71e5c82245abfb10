extension JSONNode {
    /// The value at a path of object keys, or nil when a key is absent or a value on the way is
    /// not an object. Arrays are not walked: a path names one value, an element path many.
    public subscript(path path: [String]) -> JSONNode? {
        var node = self
        for key in path {
            guard case .object(let members) = node, let member = members.first(where: { $0.key == key }) else {
                return nil
            }
            node = member.value
        }
        return node
    }
}
