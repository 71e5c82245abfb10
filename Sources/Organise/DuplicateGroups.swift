import Foundation

/// Duplicate pairs joined into groups: two pairs that share a member are one group. The group's
/// tier is its weakest link's, so a group never claims more certainty than every pair in it has.
public enum DuplicateGroups {
    public struct Pair: Sendable, Equatable {
        public let a: UUID
        public let b: UUID
        public let tier: DuplicateTier

        public init(_ a: UUID, _ b: UUID, tier: DuplicateTier) {
            self.a = a
            self.b = b
            self.tier = tier
        }
    }

    public struct Group: Sendable, Equatable {
        /// Sorted by id, so that the same members always make the same group.
        public let members: [UUID]
        public let tier: DuplicateTier
    }

    public static func group(_ pairs: [Pair]) -> [Group] {
        var index: [UUID: Int] = [:]
        var ids: [UUID] = []
        for pair in pairs {
            for id in [pair.a, pair.b] where index[id] == nil {
                index[id] = ids.count
                ids.append(id)
            }
        }
        var sets = UnionFind(count: ids.count)
        for pair in pairs { sets.union(index[pair.a]!, index[pair.b]!) }
        var members: [Int: [UUID]] = [:]
        var weakest: [Int: DuplicateTier] = [:]
        for (position, id) in ids.enumerated() { members[sets.find(position), default: []].append(id) }
        for pair in pairs {
            let root = sets.find(index[pair.a]!)
            weakest[root] = max(weakest[root] ?? pair.tier, pair.tier)
        }
        return members.map { root, ids in
            Group(members: ids.sorted { $0.uuidString < $1.uuidString }, tier: weakest[root]!)
        }
        .sorted { $0.members[0].uuidString < $1.members[0].uuidString }
    }
}
