import Testing

@testable import Schema

@Suite struct HyperLogLogTests {
    func sketch(_ values: Range<Int>) -> HyperLogLog {
        var sketch = HyperLogLog()
        for value in values {
            var text = "value-\(value)"
            sketch.add(hash: text.withUTF8 { ValueHash.hash(UnsafeRawBufferPointer($0)) })
        }
        return sketch
    }

    @Test(arguments: [10_000, 100_000])
    func estimatesAreWithinFivePercent(count: Int) {
        let estimate = sketch(0..<count).estimate
        #expect(abs(Double(estimate - count)) / Double(count) < 0.05, "estimated \(estimate) for \(count)")
    }

    @Test func smallCountsAreNearlyExact() {
        #expect(HyperLogLog().estimate == 0)
        #expect(sketch(0..<1).estimate == 1)
        let estimate = sketch(0..<100).estimate
        #expect((98...102).contains(estimate))
    }

    @Test func repeatedValuesCountOnce() {
        var sketch = self.sketch(0..<500)
        let before = sketch
        sketch.merge(self.sketch(0..<500))
        #expect(sketch == before)
    }

    @Test func mergingEqualsAddingEverything() {
        var merged = sketch(0..<6000)
        merged.merge(sketch(4000..<12_000))
        #expect(merged == sketch(0..<12_000))
        var empty = HyperLogLog()
        empty.merge(merged)
        #expect(empty == merged)
    }

    @Test func anEmptySketchEqualsAZeroedOne() {
        var zeroed = HyperLogLog()
        zeroed.registers = [UInt8](repeating: 0, count: 1024)
        #expect(zeroed == HyperLogLog())
        #expect(zeroed.estimate == 0)
    }

    @Test func naturalLogarithmIsAccurate() {
        for (value, expected) in [
            (1.0, 0.0), (2.0, 0.693_147_180_559_945_3), (1024.0, 6.931_471_805_599_453),
            (0.5, -0.693_147_180_559_945_3),
        ] {
            #expect(abs(naturalLogarithm(value) - expected) < 1e-12)
        }
    }
}
