import Foundation

/// The 64-bit DCT perceptual hash (pHash, as the `imagehash` library computes it): a 32×32
/// greyscale image, its 2-D DCT, the 8×8 lowest frequencies, one bit each for "above their
/// median". Re-encoding, resizing and mild colour changes move few bits; different pictures
/// differ in about half of them.
public enum PerceptualHash {
    public static let side = 32
    static let kept = 8

    /// `grey` is 32×32 8-bit pixels, row by row. Bit 63 is the DC term, then row-major.
    public static func hash(grey: [UInt8]) -> UInt64 {
        precondition(grey.count == side * side, "pHash needs 32×32 pixels")
        let rows = (0..<side).map { row in dct(grey[row * side..<(row + 1) * side].map(Double.init)) }
        var low = [Double](repeating: 0, count: kept * kept)
        for column in 0..<kept {
            let transformed = dct((0..<side).map { rows[$0][column] })
            for row in 0..<kept { low[row * kept + column] = transformed[row] }
        }
        let sorted = low.sorted()
        let median = (sorted[31] + sorted[32]) / 2
        return low.reduce(UInt64(0)) { hash, value in hash << 1 | (value > median ? 1 : 0) }
    }

    public static func distance(_ a: UInt64, _ b: UInt64) -> Int { (a ^ b).nonzeroBitCount }

    /// DCT-II of 32 values (unnormalised: scaling does not move a median comparison).
    private static func dct(_ values: [Double]) -> [Double] {
        (0..<values.count).map { frequency in
            var sum = 0.0
            for (index, value) in values.enumerated() { sum += value * cosines[frequency * side + index] }
            return sum
        }
    }

    private static let cosines: [Double] = (0..<side * side).map { item in
        let (frequency, index) = item.quotientAndRemainder(dividingBy: side)
        return cos(Double.pi * Double(frequency) * (2 * Double(index) + 1) / Double(2 * side))
    }
}
