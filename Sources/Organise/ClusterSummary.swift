/// What an admin is shown of a group: its centre, how tight it is, and the members that show it best.
public struct ClusterSummary: Sendable, Equatable {
    /// The normalised mean of the members' vectors.
    public let centroid: [Float]
    /// The members' mean cosine similarity to the centroid: 1 when they are all the same picture.
    public let cohesion: Double
    /// Rows of the members nearest the centroid, nearest first.
    public let exemplars: [Int]

    public init(members: [Int], of vectors: UnitVectors, exemplarCount: Int = 4) {
        let centroid = vectors.centroid(of: members)
        self.centroid = centroid
        let scored = members.map { (row: $0, similarity: vectors.dot($0, centroid)) }
        cohesion = scored.isEmpty ? 0 : scored.reduce(0.0) { $0 + Double($1.similarity) } / Double(scored.count)
        exemplars = scored.sorted { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.row < $1.row }
            .prefix(exemplarCount).map(\.row)
    }
}

/// New vectors against the centroids of approved clusters: each goes to its most similar cluster
/// when that similarity reaches the threshold and an admin has not taken it out of that cluster.
public enum ClusterAssignment {
    public struct Match: Sendable, Equatable {
        public let row: Int
        public let cluster: Int
        public let similarity: Float
    }

    public static func nearest(
        _ vectors: UnitVectors, centroids: UnitVectors, threshold: Float,
        excluded: (_ row: Int, _ cluster: Int) -> Bool = { _, _ in false }
    ) -> [Match] {
        guard vectors.count > 0, centroids.count > 0 else { return [] }
        precondition(vectors.dimensions == centroids.dimensions, "vectors and centroids differ in dimension")
        var matches: [Match] = []
        let clusterCount = centroids.count
        for start in stride(from: 0, to: vectors.count, by: 2_048) {
            let rows = Array(start..<min(start + 2_048, vectors.count))
            let scores = similarities(
                vectors.gathered(rows), rows: rows.count, centroids.storage, rows: clusterCount,
                dimensions: vectors.dimensions)
            for (position, row) in rows.enumerated() {
                var best: Match?
                for cluster in 0..<clusterCount where !excluded(row, cluster) {
                    let similarity = scores[position * clusterCount + cluster]
                    if similarity >= threshold, similarity > best?.similarity ?? -2 {
                        best = Match(row: row, cluster: cluster, similarity: similarity)
                    }
                }
                if let best { matches.append(best) }
            }
        }
        return matches
    }
}
