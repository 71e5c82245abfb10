/// The input channels of an int8 product that are computed in float32 instead: the few columns of
/// a LayerNorm's output that are tens of times larger than the rest, in every row.
///
/// Trained transformers have them because a few of a LayerNorm's weights are that much larger
/// (Kovaleva et al. 2021; Dettmers et al. 2022 call them emergent outlier features;
/// `OutlierChannels` simulates them). A per-row int8 scale that covers such a column leaves the
/// other channels a handful of levels. So, as LLM.int8() does, those columns are split off: the
/// int8 product reads the input with them zeroed, and a float32 product of just those columns
/// (K of a few, about 1% of the work) is added. The columns are found from the LayerNorm alone,
/// without calibration data: its normalised values are of unit scale, so |γ_j| + |β_j| sets
/// channel j's range. A channel counts as an outlier above `threshold` times the median range.
final class OutlierColumns: Sendable {
    /// Sorted input-column indices.
    let columns: [Int]

    static let threshold: Float = 6
    /// Beyond this share of the columns the float32 side would cost more than int8 saves.
    static let maximumShare = 0.04

    /// `nil` when the LayerNorm has no outlier channels.
    init?(after norm: LayerNorm) {
        let width = norm.size
        let ranges = (0..<width).map { abs(norm.weight.pointer[$0]) + abs(norm.bias.pointer[$0]) }
        let median = ranges.sorted()[width / 2]
        guard median > 0, median.isFinite else { return nil }
        let limit = max(1, Int(Double(width) * Self.maximumShare))
        let outliers = ranges.indices.filter { ranges[$0] > Self.threshold * median }
            .sorted { ranges[$0] > ranges[$1] }.prefix(limit)
        guard !outliers.isEmpty else { return nil }
        columns = outliers.sorted()
    }

    /// W[:, columns] as a row-major [out, columns.count] float32 matrix.
    func gather(_ weight: Tensor) -> Tensor {
        let (rows, width) = (weight.shape[0], weight.shape[1])
        return Tensor(
            shape: [rows, columns.count],
            storage: TensorStorage(count: rows * columns.count) { out in
                for row in 0..<rows {
                    for (index, column) in columns.enumerated() {
                        out[row * columns.count + index] = weight.pointer[row * width + column]
                    }
                }
            })
    }
}
