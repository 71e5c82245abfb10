/// Finds groups among unit vectors by density: DBSCAN with "cosine similarity ≥ `threshold`" as
/// the neighbourhood. A vector with at least `minimumMembers - 1` neighbours is a core; cores that
/// are neighbours share a group, a vector near a core joins that core's group, and the rest stay
/// unsorted, because a photo that resembles nothing else is better left where an admin sees it
/// than forced into the nearest folder.
///
/// Why density and not k-means or an agglomerative tree: the number of groups is unknown, noise is
/// normal (one-off photos), and a new pass over a pool of thousands must stay fast. The pairs are
/// found without comparing every vector with every other: above `exactLimit` vectors, k-means
/// over √n cells (an inverted file, as pgvector's IVFFlat) limits each vector's comparisons to the
/// vectors of its `probes` nearest cells, so a pass costs about n · probes · √n dot products
/// instead of n². Below the limit every pair is compared.
public struct DensityClustering: Sendable {
    public var threshold: Float
    public var minimumMembers: Int
    public var exactLimit = 4_096
    public var probes = 4
    public var seed: UInt64 = 0x5EED_CAFE

    public init(threshold: Float, minimumMembers: Int) {
        precondition(minimumMembers >= 2, "a group has at least two members")
        self.threshold = threshold
        self.minimumMembers = minimumMembers
    }

    public struct Result: Sendable, Equatable {
        /// Each group's rows in ascending order; the largest group first.
        public var groups: [[Int]]
        public var unsorted: [Int]

        /// A label per row, to score against known groups: each group's index, and a label of
        /// its own for every unsorted row (it is in no group).
        public func labels(count: Int) -> [Int] {
            var labels = [Int](repeating: -1, count: count)
            for (index, group) in groups.enumerated() { for row in group { labels[row] = index } }
            var next = groups.count
            for row in unsorted {
                labels[row] = next
                next += 1
            }
            return labels
        }
    }

    public func cluster(_ vectors: UnitVectors) -> Result {
        let count = vectors.count
        guard count >= minimumMembers else { return Result(groups: [], unsorted: Array(0..<count)) }
        let blocks = count <= exactLimit ? exactBlocks(count) : cellBlocks(vectors)
        var neighbours = [Int](repeating: 0, count: count)
        forEachNeighbour(vectors, blocks) { row, _, _ in neighbours[row] += 1 }
        let isCore = neighbours.map { $0 + 1 >= minimumMembers }

        var sets = UnionFind(count: count)
        var bestCore = [(row: Int, similarity: Float)?](repeating: nil, count: count)
        forEachNeighbour(vectors, blocks) { row, other, similarity in
            guard isCore[other] else { return }
            if isCore[row] {
                sets.union(row, other)
            } else if similarity > bestCore[row]?.similarity ?? -2 {
                bestCore[row] = (other, similarity)
            }
        }
        var members: [Int: [Int]] = [:]
        var unsorted: [Int] = []
        for row in 0..<count {
            if isCore[row] {
                members[sets.find(row), default: []].append(row)
            } else if let core = bestCore[row] {
                members[sets.find(core.row), default: []].append(row)
            } else {
                unsorted.append(row)
            }
        }
        var groups: [[Int]] = []
        for group in members.values {
            if group.count >= minimumMembers {
                groups.append(group.sorted())
            } else {
                unsorted.append(contentsOf: group)
            }
        }
        groups.sort { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
        return Result(groups: groups, unsorted: unsorted.sorted())
    }

    /// Rows compared together: each row appears in exactly one block's `rows`.
    struct Block {
        let rows: [Int]
        let candidates: [Int]
    }

    private func exactBlocks(_ count: Int) -> [Block] {
        let all = Array(0..<count)
        return stride(from: 0, to: count, by: 512).map {
            Block(rows: Array($0..<min($0 + 512, count)), candidates: all)
        }
    }

    /// Each k-means cell's rows against the rows of its nearest cells, 512 rows at a time: a cell
    /// that holds most of the vectors (thousands of near-identical pictures) still makes score
    /// matrices of 512 rows, not n × n.
    private func cellBlocks(_ vectors: UnitVectors) -> [Block] {
        let cells = KMeansCells(vectors, count: max(2, Int(Double(vectors.count).squareRoot())), seed: seed)
        let nearest = cells.nearestCells(probes: probes)
        return cells.members.indices.flatMap { cell -> [Block] in
            let rows = cells.members[cell]
            guard !rows.isEmpty else { return [] }
            let candidates = nearest[cell].flatMap { cells.members[$0] }
            return stride(from: 0, to: rows.count, by: 512).map {
                Block(rows: Array(rows[$0..<min($0 + 512, rows.count)]), candidates: candidates)
            }
        }
    }

    /// Calls `body(row, other, similarity)` for every neighbour `other` of every row.
    private func forEachNeighbour(
        _ vectors: UnitVectors, _ blocks: [Block], _ body: (Int, Int, Float) -> Void
    ) {
        let dimensions = vectors.dimensions
        for block in blocks {
            let scores = similarities(
                vectors.gathered(block.rows), rows: block.rows.count, vectors.gathered(block.candidates),
                rows: block.candidates.count, dimensions: dimensions)
            let width = block.candidates.count
            for (position, row) in block.rows.enumerated() {
                let base = position * width
                for (column, other) in block.candidates.enumerated() where other != row {
                    let similarity = scores[base + column]
                    if similarity >= threshold { body(row, other, similarity) }
                }
            }
        }
    }
}
