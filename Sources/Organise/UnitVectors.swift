import CBLAS

/// Unit vectors of one dimension, row after row in one buffer: what the clustering compares
/// with matrix products (cosine similarity of unit vectors is their dot product).
public struct UnitVectors: Sendable {
    public let dimensions: Int
    public private(set) var storage: [Float]

    public var count: Int { dimensions == 0 ? 0 : storage.count / dimensions }

    public init(dimensions: Int) {
        precondition(dimensions > 0, "vectors need at least one dimension")
        self.dimensions = dimensions
        self.storage = []
    }

    /// Normalises each vector; a zero vector stays zero (similar to nothing).
    public init(_ vectors: [[Float]], dimensions: Int) {
        self.init(dimensions: dimensions)
        storage.reserveCapacity(vectors.count * dimensions)
        for vector in vectors { append(vector) }
    }

    public mutating func append(_ vector: [Float]) {
        precondition(vector.count == dimensions, "a \(vector.count)-d vector among \(dimensions)-d ones")
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        storage.append(contentsOf: norm > 0 ? vector.map { $0 / norm } : vector)
    }

    public subscript(row: Int) -> ArraySlice<Float> { storage[row * dimensions..<(row + 1) * dimensions] }

    /// The rows at `indices`, in that order, as one buffer.
    func gathered(_ indices: [Int]) -> [Float] {
        var result = [Float](repeating: 0, count: indices.count * dimensions)
        storage.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for (position, row) in indices.enumerated() {
                    let from = source.baseAddress! + row * dimensions
                    (target.baseAddress! + position * dimensions).update(from: from, count: dimensions)
                }
            }
        }
        return result
    }

    /// The normalised mean of the rows at `indices`: a cluster's centroid.
    public func centroid(of indices: some Collection<Int>) -> [Float] {
        var sum = [Float](repeating: 0, count: dimensions)
        for row in indices {
            let base = row * dimensions
            for column in 0..<dimensions { sum[column] += storage[base + column] }
        }
        let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? sum.map { $0 / norm } : sum
    }

    public func dot(_ row: Int, _ vector: [Float]) -> Float {
        var total: Float = 0
        let base = row * dimensions
        for column in 0..<dimensions { total += storage[base + column] * vector[column] }
        return total
    }
}

/// `a` (m × d) times `b` (n × d) transposed: every row of `a` against every row of `b`.
func similarities(_ a: [Float], rows m: Int, _ b: [Float], rows n: Int, dimensions d: Int) -> [Float] {
    guard m > 0, n > 0 else { return [] }
    var result = [Float](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { left in
        b.withUnsafeBufferPointer { right in
            result.withUnsafeMutableBufferPointer { out in
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(d), 1,
                    left.baseAddress, Int32(d), right.baseAddress, Int32(d), 0, out.baseAddress, Int32(n))
            }
        }
    }
    return result
}
