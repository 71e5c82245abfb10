import Foundation

/// The synthetic catalog, reproducible from a seed so that the exact neighbours can be computed
/// again without reading the rows back: row `n` is asset `assetID(n)` with one 512-d unit vector
/// around one of 1,000 random centres (real embeddings cluster), drawn with uniform noise of
/// length `spread` (cosine to the centre about 1 / √(1 + spread²): 0.93 at 0.4), and sent with six
/// decimals. Tags are independent of the centre: 10% of the assets carry `frequent`, 1% `rare`,
/// 0.1% `scarce` (nested).
struct Synthetic: Sendable {
    static let dimensions = 512
    static let centreCount = 1_000
    static let owner = "bench"
    static let model = "bench"
    /// The tags and the share of the assets that carry them, as levels below which a row has it.
    static let tags: [(name: String, below: Int)] = [("frequent", 100), ("rare", 10), ("scarce", 1)]

    let spread: Float
    let seed: UInt64
    let centres: [Float]

    init(spread: Float, seed: UInt64 = 0x5EA_4C4B_E4C4) {
        self.spread = spread
        self.seed = seed
        var random = SplitMix64(state: seed)
        var centres = [Float](repeating: 0, count: Self.centreCount * Self.dimensions)
        for c in 0..<Self.centreCount {
            var norm: Float = 0
            for i in 0..<Self.dimensions {
                let x = random.uniform() * 2 - 1
                centres[c * Self.dimensions + i] = x
                norm += x * x
            }
            let scale = 1 / norm.squareRoot()
            for i in 0..<Self.dimensions { centres[c * Self.dimensions + i] *= scale }
        }
        self.centres = centres
    }

    /// The centre row `n` is drawn around.
    func centre(of n: Int) -> Int { Int(SplitMix64.mix((seed ^ 0xC3A5_C85C_97CB_3127) &+ UInt64(n)) % 1_000) }

    /// 0..<1000, independent of the centre: the row carries every tag whose `below` exceeds it.
    func tagLevel(of n: Int) -> Int {
        Int((SplitMix64.mix((seed ^ 0xB492_B66F_BE98_F273) &+ UInt64(n)) >> 32) % 1_000)
    }

    /// Row `n`'s vector: in millionths (as sent) and as the floats the server parses from that text.
    func row(_ n: Int, micro: inout [Int32], values: inout [Float]) {
        var random = SplitMix64(state: SplitMix64.mix(seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(n + 1)))
        vector(around: centre(of: n), random: &random, micro: &micro, values: &values)
    }

    /// Query `i`: near a random centre, never a stored vector.
    func query(_ i: Int, micro: inout [Int32], values: inout [Float]) {
        var random = SplitMix64(state: SplitMix64.mix(~seed &+ 0xD6E8_FEB8_6659_FD93 &* UInt64(i + 1)))
        let centre = Int(random.next() % UInt64(Self.centreCount))
        vector(around: centre, random: &random, micro: &micro, values: &values)
    }

    private func vector(around centre: Int, random: inout SplitMix64, micro: inout [Int32], values: inout [Float]) {
        // Uniform noise on (-a, a) has variance a²/3: a = spread·√(3/d) gives a noise of length `spread`.
        let amplitude = spread * (3 / Float(Self.dimensions)).squareRoot()
        var norm: Float = 0
        for i in 0..<Self.dimensions {
            let x = centres[centre * Self.dimensions + i] + amplitude * (random.uniform() * 2 - 1)
            values[i] = x
            norm += x * x
        }
        let scale = 1_000_000 / norm.squareRoot()
        for i in 0..<Self.dimensions {
            let m = Int32((values[i] * scale).rounded())
            micro[i] = m
            // Correctly rounded, as the server's strtof of the six-decimal text.
            values[i] = Float(m) / 1_000_000
        }
    }

    /// pgvector's text form of a vector in millionths: `[0.044123,-0.001200,…]`.
    static func appendText(_ micro: [Int32], to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "["))
        for (i, m) in micro.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            var value = m
            if value < 0 {
                bytes.append(UInt8(ascii: "-"))
                value = -value
            }
            bytes.append(UInt8(48 + value / 1_000_000))
            bytes.append(UInt8(ascii: "."))
            var fraction = value % 1_000_000
            var divisor: Int32 = 100_000
            while divisor > 0 {
                bytes.append(UInt8(48 + fraction / divisor))
                fraction %= divisor
                divisor /= 10
            }
        }
        bytes.append(UInt8(ascii: "]"))
    }

    static func text(_ micro: [Int32]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(micro.count * 10)
        appendText(micro, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Row `n`'s asset id: `00000000-0000-4000-8000-` and `n` in twelve hex digits.
    static func assetID(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    /// The row number back from an asset id made by `assetID`.
    static func number(of id: UUID) -> Int {
        let u = id.uuid
        return [u.10, u.11, u.12, u.13, u.14, u.15].reduce(0) { $0 << 8 | Int($1) }
    }
}

/// SplitMix64 (Steele, Lea, Flood): fast, and good enough to seed one stream per row.
struct SplitMix64 {
    var state: UInt64

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state &- 0x9E37_79B9_7F4A_7C15)
    }

    /// Uniform on [0, 1).
    mutating func uniform() -> Float { Float(next() >> 40) * 0x1p-24 }
}
