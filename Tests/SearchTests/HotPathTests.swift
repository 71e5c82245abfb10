import Testing

@testable import Search

/// The parts of a query's hot path that were made cheaper must still give the same answers.
@Suite struct HotPathTests {
    /// The cut-off's cosine, sixteen lanes at a time, against the definition in double
    /// precision, for lengths with and without a remainder past the last sixteen.
    @Test(arguments: [512, 768, 17, 3]) func theCosineIsTheDefinitions(length: Int) {
        var generator = SplitMix(seed: UInt64(length))
        let a = (0..<length).map { _ in Float(generator.unit() - 0.5) }
        let b = (0..<length).map { _ in Float(generator.unit() - 0.5) }
        var (dot, normA, normB) = (0.0, 0.0, 0.0)
        for index in 0..<length {
            dot += Double(a[index]) * Double(b[index])
            normA += Double(a[index]) * Double(a[index])
            normB += Double(b[index]) * Double(b[index])
        }
        let expected = dot / (normA * normB).squareRoot()
        #expect(abs(MediaSearch.cosine(a, b) - expected) < 1e-5)
        #expect(abs(MediaSearch.cosine(a, a) - 1) < 1e-5)
        #expect(MediaSearch.cosine(a, [Float](repeating: 0, count: length)) == 0)
        #expect(MediaSearch.cosine(a, Array(b.dropLast())) == 0, "vectors of different lengths do not compare")
    }

    /// A kept value is read once while it is young, again once it has aged, and per key.
    @Test func aKeptValueIsReadOnceUntilItAges() async throws {
        let reads = Counter()
        let kept = KeptValues<String, Int>(lifetime: .seconds(3600))
        for _ in 0..<3 { #expect(try await kept.value("a") { await reads.next() } == 1) }
        #expect(try await kept.value("b") { await reads.next() } == 2)
        let aged = KeptValues<String, Int>(lifetime: .zero)
        #expect(try await aged.value("a") { await reads.next() } == 3)
        #expect(try await aged.value("a") { await reads.next() } == 4)
    }

    /// A full store starts again rather than growing without bound.
    @Test func keptValuesAreBounded() async throws {
        let kept = KeptValues<Int, Int>(lifetime: .seconds(3600), capacity: 2)
        for key in 0..<3 { _ = try await kept.value(key) { key } }
        #expect(try await kept.value(0) { -1 } == -1, "the first key was let go when the third came")
    }
}

private actor Counter {
    var count = 0
    func next() -> Int {
        count += 1
        return count
    }
}

/// A small deterministic generator, so a failure repeats.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func unit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
