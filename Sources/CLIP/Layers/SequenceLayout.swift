/// Where each sequence sits in a stack of rows: sequence `i` occupies rows
/// `starts[i] ..< starts[i] + lengths[i]`. Stacking lets every linear layer run as one sgemm with
/// M = total rows; only attention looks at sequences one at a time.
struct SequenceLayout: Sendable {
    let starts: [Int]
    let lengths: [Int]
    let rowCount: Int
    /// Rows the buffers hold and the matrix products run over: `rowCount` rounded up, so the
    /// packed oneDNN kernels (compiled per row count) see a few recurring sizes. The extra rows
    /// are zeros that no sequence attends to.
    let paddedRowCount: Int

    init(lengths: [Int], padRows: Bool = false) {
        var starts: [Int] = []
        var next = 0
        for length in lengths {
            starts.append(next)
            next += length
        }
        self.starts = starts
        self.lengths = lengths
        self.rowCount = next
        let step = next <= 64 ? 16 : 64
        self.paddedRowCount = padRows ? (next + step - 1) / step * step : next
    }

    init(count: Int, length: Int) { self.init(lengths: Array(repeating: length, count: count)) }

    var maxLength: Int { lengths.max() ?? 0 }
}
