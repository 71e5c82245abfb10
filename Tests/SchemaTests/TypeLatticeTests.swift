import Testing

@testable import Schema

@Suite struct TypeLatticeTests {
    func stats(_ kinds: [ValueKind: Int], formats: [StringFormat: Int] = [:]) -> PathStatistics {
        var stats = PathStatistics()
        stats.kinds = kinds
        stats.formats = formats
        stats.present = kinds.values.reduce(0, +)
        return stats
    }

    @Test(arguments: [
        ([ValueKind.bool: 10], ColumnType.boolean),
        ([.integer: 10], .bigint),
        ([.integer: 10, .bigInteger: 1], .numeric),
        ([.integer: 10, .float: 1], .doublePrecision),
        ([.integer: 10, .float: 1, .bigInteger: 1], .numeric),
        ([.float: 10, .hugeNumber: 1], .numeric),
        ([.hugeNumber: 3], .numeric),
        ([.integer: 99, .string: 1, .null: 50], .bigint),
        ([.integer: 34, .string: 33, .bool: 33], .jsonb),
        ([.object: 5], .jsonb),
    ])
    func scalarLattice(kinds: [ValueKind: Int], expected: ColumnType) {
        #expect(TypeLattice.choose(for: stats(kinds), elements: nil).type == expected)
    }

    @Test func stringFormats() {
        let strings = [ValueKind.string: 10]
        #expect(TypeLattice.choose(for: stats(strings, formats: [.dateTime: 10]), elements: nil).type == .timestamptz)
        #expect(TypeLattice.choose(for: stats(strings, formats: [.date: 10]), elements: nil).type == .date)
        #expect(
            TypeLattice.choose(for: stats(strings, formats: [.date: 4, .dateTime: 6]), elements: nil).type
                == .timestamptz)
        #expect(TypeLattice.choose(for: stats(strings, formats: [.uuid: 10]), elements: nil).type == .uuid)
        #expect(TypeLattice.choose(for: stats(strings, formats: [.uuid: 9]), elements: nil).type == .text)
        #expect(TypeLattice.choose(for: stats(strings, formats: [.email: 10]), elements: nil).type == .text)
    }

    @Test func arrays() {
        let arrays = stats([.array: 10])
        let cases: [([ValueKind: Int], ColumnType)] = [
            ([.string: 30], .textArray), ([.integer: 30, .null: 2], .bigintArray),
            ([.integer: 3, .float: 3], .doubleArray),
            ([.bigInteger: 1, .integer: 3], .numericArray), ([.bool: 3], .booleanArray), ([.object: 3], .jsonb),
            ([.integer: 3, .string: 1], .jsonb), ([.array: 3], .jsonb), ([:], .jsonb),
        ]
        for (elements, expected) in cases {
            #expect(TypeLattice.choose(for: arrays, elements: stats(elements)).type == expected, "\(elements)")
        }
    }

    @Test func dominanceAndBreakdown() {
        let choice = TypeLattice.choose(for: stats([.integer: 95, .string: 5]), elements: nil)
        #expect(choice.type == .bigint && choice.dominant == .number && choice.share == 0.95)
        let mixed = TypeLattice.choose(for: stats([.integer: 34, .string: 33, .bool: 33]), elements: nil)
        #expect(mixed.type == .jsonb && mixed.dominant == .number)
        #expect(mixed.breakdown.map(\.valueClass) == [.number, .boolean, .string])
    }

    @Test func joinWidensWithinClassesAndMeetsAtJSONB() {
        #expect(TypeLattice.join(.bigint, .doublePrecision) == .doublePrecision)
        #expect(TypeLattice.join(.bigint, .numeric) == .numeric)
        #expect(TypeLattice.join(.numeric, .doublePrecision) == .numeric)
        #expect(TypeLattice.join(.date, .timestamptz) == .timestamptz)
        #expect(TypeLattice.join(.uuid, .text) == .text)
        #expect(TypeLattice.join(.bigintArray, .doubleArray) == .doubleArray)
        #expect(TypeLattice.join(.bigint, .text) == .jsonb)
        #expect(TypeLattice.join(.boolean, .boolean) == .boolean)
    }

    @Test func percentagesAndCounts() {
        #expect(ReasonFormatting.percent(0.98) == "98%")
        #expect(ReasonFormatting.percent(0.29) == "29%")
        #expect(ReasonFormatting.percent(0.9496) == "94%")
        #expect(ReasonFormatting.percent(0.005) == "0.5%")
        #expect(ReasonFormatting.percent(0.00001) == "<0.1%")
        #expect(ReasonFormatting.percent(0) == "0%")
        #expect(ReasonFormatting.grouped(1_234_567) == "1,234,567")
        #expect(ReasonFormatting.grouped(999) == "999")
    }
}
