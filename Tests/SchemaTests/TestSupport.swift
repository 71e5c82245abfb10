@testable import Schema

/// Builds `CollectionStatistics` by hand, path by path, as the colleague's `add` would fill them.
struct StatisticsBuilder {
    var statistics = CollectionStatistics()

    init(documents: Int) {
        statistics.documentCount = documents
        path([], present: documents, kinds: [.object: documents])
    }

    mutating func path(
        _ path: [String], present: Int, kinds: [ValueKind: Int], formats: [StringFormat: Int] = [:],
        isMap: Bool = false, totalMembers: Int = 0, distinctKeys: Int = 0
    ) {
        var stats = PathStatistics()
        stats.present = present
        stats.kinds = kinds
        stats.formats = formats
        stats.isMap = isMap
        stats.totalMembers = totalMembers
        if distinctKeys > 0 { stats.distinctKeys = Self.sketch(distinct: distinctKeys) }
        statistics.paths[path] = stats
    }

    /// A sketch that has seen `distinct` different values (SplitMix64 stands in for the hash).
    static func sketch(distinct: Int) -> HyperLogLog {
        var sketch = HyperLogLog()
        for value in 0..<distinct {
            var z = UInt64(value) &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            sketch.add(hash: z ^ (z >> 31))
        }
        return sketch
    }
}

/// Short JSON builders for documents in tests.
enum J {
    static func int(_ text: String) -> JSONNode { .number(JSONNumber(text: text, kind: .integer)) }
    static func big(_ text: String) -> JSONNode { .number(JSONNumber(text: text, kind: .bigInteger)) }
    static func float(_ text: String) -> JSONNode { .number(JSONNumber(text: text, kind: .float)) }
    static func huge(_ text: String) -> JSONNode { .number(JSONNumber(text: text, kind: .hugeNumber)) }
    static func str(_ text: String) -> JSONNode { .string(text) }
    static func obj(_ members: (String, JSONNode)...) -> JSONNode { .object(members.map { JSONMember($0.0, $0.1) }) }
}

extension StorageDecision {
    func reason(_ path: [String]) -> Reason? { reasons.first { $0.path == path && $0.outcome != .collection } }
    var collectionReason: Reason? { reasons.first { $0.outcome == .collection } }
}
