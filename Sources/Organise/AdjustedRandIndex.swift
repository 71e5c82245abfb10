/// Agreement between two labellings of the same items, corrected for chance: 1 when they are
/// the same partition, about 0 for a random one. How the clustering is scored against known groups.
public enum AdjustedRandIndex {
    public static func score(_ truth: [Int], _ predicted: [Int]) -> Double {
        precondition(truth.count == predicted.count, "labellings of different lengths")
        var table: [Int64: Int] = [:]
        var rows: [Int: Int] = [:]
        var columns: [Int: Int] = [:]
        for (t, p) in zip(truth, predicted) {
            table[Int64(t) << 32 | Int64(UInt32(bitPattern: Int32(truncatingIfNeeded: p))), default: 0] += 1
            rows[t, default: 0] += 1
            columns[p, default: 0] += 1
        }
        func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
        let index = table.values.reduce(0) { $0 + pairs($1) }
        let rowSum = rows.values.reduce(0) { $0 + pairs($1) }
        let columnSum = columns.values.reduce(0) { $0 + pairs($1) }
        let expected = rowSum * columnSum / pairs(truth.count)
        let maximum = (rowSum + columnSum) / 2
        return maximum == expected ? 1 : (index - expected) / (maximum - expected)
    }
}
