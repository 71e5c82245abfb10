/// A distinct-count estimate in a fixed 2^precision bytes; two sketches merge by taking each
/// register's maximum, so statistics of separate batches add up exactly as if seen together.
///
/// `registers` is empty until the first value is added: a collection has a sketch per path
/// (and per object path for keys), and most paths only ever use one of the two, so untouched
/// sketches cost nothing. An empty sketch equals a sketch whose registers are all zero.
public struct HyperLogLog: Sendable, Equatable {
    public static let defaultPrecision = 10
    public let precision: Int
    public var registers: [UInt8]

    public init(precision: Int = HyperLogLog.defaultPrecision) {
        precondition((4...18).contains(precision), "HyperLogLog precision must be 4...18")
        self.precision = precision
        self.registers = []
    }

    /// Adds a value by its 64-bit hash (which must be well mixed: every bit matters).
    public mutating func add(hash: UInt64) {
        if registers.isEmpty { registers = [UInt8](repeating: 0, count: 1 << precision) }
        let index = Int(truncatingIfNeeded: hash >> UInt64(64 - precision))
        // The rank of the first one bit after the index bits; the sentinel bit caps it.
        let rest = hash << UInt64(precision) | (1 << UInt64(precision - 1))
        let rank = UInt8(truncatingIfNeeded: rest.leadingZeroBitCount + 1)
        registers.withUnsafeMutableBufferPointer { registers in
            if registers[index] < rank { registers[index] = rank }
        }
    }

    public mutating func merge(_ other: HyperLogLog) {
        precondition(precision == other.precision, "only sketches of the same precision merge")
        guard !other.registers.isEmpty else { return }
        guard !registers.isEmpty else {
            registers = other.registers
            return
        }
        for index in registers.indices where registers[index] < other.registers[index] {
            registers[index] = other.registers[index]
        }
    }

    /// The standard estimate (Flajolet et al.) with linear counting for small cardinalities,
    /// where the raw estimate is biased. The relative standard error is 1.04 / √(2^precision):
    /// about 3% at the default precision.
    public var estimate: Int {
        guard !registers.isEmpty else { return 0 }
        let count = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for register in registers {
            sum += Double(sign: .plus, exponent: -Int(register), significand: 1)
            if register == 0 { zeros += 1 }
        }
        let alpha: Double
        switch registers.count {
        case 16: alpha = 0.673
        case 32: alpha = 0.697
        case 64: alpha = 0.709
        default: alpha = 0.7213 / (1 + 1.079 / count)
        }
        let raw = alpha * count * count / sum
        if raw <= 2.5 * count && zeros > 0 {
            return roundedToInt(count * naturalLogarithm(count / Double(zeros)))
        }
        return roundedToInt(raw)
    }

    /// `Int(x.rounded())` would call the C library's `round`, which an executable built
    /// without Foundation does not link; estimates are never negative.
    private func roundedToInt(_ value: Double) -> Int { Int(value + 0.5) }

    public static func == (left: HyperLogLog, right: HyperLogLog) -> Bool {
        guard left.precision == right.precision else { return false }
        if left.registers.isEmpty { return right.registers.allSatisfy { $0 == 0 } }
        if right.registers.isEmpty { return left.registers.allSatisfy { $0 == 0 } }
        return left.registers == right.registers
    }
}

/// ln(x) for x > 0 without importing the C library: x = m·2^e with m in [1, 2), and
/// ln(m) = 2·atanh((m − 1)/(m + 1)), whose series converges fast since the argument is ≤ 1/3.
func naturalLogarithm(_ value: Double) -> Double {
    let exponent = Double(value.exponent)
    let significand = value.significand
    let ratio = (significand - 1) / (significand + 1)
    let ratioSquared = ratio * ratio
    var term = ratio
    var sum = 0.0
    var denominator = 1.0
    while true {
        let next = sum + term / denominator
        if next == sum { break }
        sum = next
        term *= ratioSquared
        denominator += 2
    }
    return 2 * sum + exponent * 0.693_147_180_559_945_3
}
