import CBLAS

/// The exact neighbours (cosine on the stored floats) of every query among rows 0..<count, with
/// no filter and for each tag, by regenerating the rows and multiplying them by the queries in
/// blocks (BLAS): the same answer an exact scan in SQL gives (checked against it on a few queries),
/// for a thousand queries over a million rows in seconds rather than an hour of sequential scans.
struct ExactNeighbours {
    /// `rows[filter][query]`: row numbers, nearest first; filter `nil` is no filter.
    var rows: [String?: [[Int]]]

    init(synthetic: Synthetic, count: Int, queries: [[Float]], k: Int) {
        let d = Synthetic.dimensions
        let q = queries.count
        let flat = queries.flatMap { $0 }
        let queryScale = queries.map { 1 / $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let filters: [(name: String?, below: Int)] = [(nil, Int.max)] + Synthetic.tags.map { ($0.name, $0.below) }
        // best[f][query]: (similarity, row), most similar first, at most k.
        var best = [[[(Float, Int)]]](
            repeating: [[(Float, Int)]](repeating: [], count: q), count: filters.count)
        let block = 2_048
        var blockRows = [Float](repeating: 0, count: block * d)
        var micro = [Int32](repeating: 0, count: d)
        var values = [Float](repeating: 0, count: d)
        var scale = [Float](repeating: 0, count: block)
        var level = [Int](repeating: 0, count: block)
        var scores = [Float](repeating: 0, count: q * block)
        var start = 0
        while start < count {
            let n = min(block, count - start)
            for r in 0..<n {
                synthetic.row(start + r, micro: &micro, values: &values)
                var norm: Float = 0
                for i in 0..<d {
                    blockRows[r * d + i] = values[i]
                    norm += values[i] * values[i]
                }
                scale[r] = 1 / norm.squareRoot()
                level[r] = synthetic.tagLevel(of: start + r)
            }
            flat.withUnsafeBufferPointer { left in
                blockRows.withUnsafeBufferPointer { right in
                    scores.withUnsafeMutableBufferPointer { out in
                        cblas_sgemm(
                            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(q), Int32(n), Int32(d), 1,
                            left.baseAddress, Int32(d), right.baseAddress, Int32(d), 0, out.baseAddress, Int32(n))
                    }
                }
            }
            for (f, filter) in filters.enumerated() {
                let members = (0..<n).filter { level[$0] < filter.below }
                for j in 0..<q {
                    var top = best[f][j]
                    for r in members {
                        let similarity = scores[j * n + r] * scale[r] * queryScale[j]
                        if top.count == k, similarity <= top[k - 1].0 { continue }
                        let at = top.firstIndex { $0.0 < similarity } ?? top.count
                        top.insert((similarity, start + r), at: at)
                        if top.count > k { top.removeLast() }
                    }
                    best[f][j] = top
                }
            }
            start += n
        }
        var rows: [String?: [[Int]]] = [:]
        for (f, filter) in filters.enumerated() { rows[filter.name] = best[f].map { $0.map(\.1) } }
        self.rows = rows
    }

    /// Share of the exact neighbours found, over the queries.
    func recall(_ found: [[Int]], filter: String?) -> Double {
        guard let exact = rows[filter] else { return 0 }
        var hit = 0
        var total = 0
        for (j, result) in found.enumerated() {
            let truth = Set(exact[j])
            hit += result.filter { truth.contains($0) }.count
            total += truth.count
        }
        return total == 0 ? 0 : Double(hit) / Double(total)
    }
}
