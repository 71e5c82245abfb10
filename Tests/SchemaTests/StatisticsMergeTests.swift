import Testing

@testable import Schema

@Suite struct StatisticsMergeTests {
    func statistics(_ documents: some Sequence<JSONNode>) -> CollectionStatistics {
        var statistics = CollectionStatistics()
        for document in documents { statistics.add(document) }
        return statistics
    }

    @Test func mergingHalvesEqualsAddingEverything() {
        let documents = NoBenchFixture.documents(1000)
        var merged = statistics(documents[..<400])
        merged.merge(statistics(documents[400...]))
        let whole = statistics(documents)
        #expect(merged == whole)
        let sameBytes = merged.encoded() == whole.encoded()
        #expect(sameBytes)
        #expect(merged.paths[["str1"]]?.distinct.registers == whole.paths[["str1"]]?.distinct.registers)
        #expect(merged.paths[[]]?.distinctKeys.registers == whole.paths[[]]?.distinctKeys.registers)
    }

    @Test func mergingWhenOnlyOneSideFoundAMap() {
        let documents = UsersByIDFixture.documents(300)
        // 10 documents: 30 user ids, not yet a map; 290 documents: a map.
        let small = statistics(documents[..<10])
        let large = statistics(documents[10...])
        #expect(small.statistics(at: ["users"])?.isMap == false)
        #expect(large.statistics(at: ["users"])?.isMap == true)
        let whole = statistics(documents)
        var smallFirst = small
        smallFirst.merge(large)
        #expect(smallFirst == whole)
        var largeFirst = large
        largeFirst.merge(small)
        #expect(largeFirst == whole)
        #expect(largeFirst.pathCount < 50)
    }

    @Test func mergingWhenOnlyTheUnionIsAMap() {
        let documents = UsersByIDFixture.documents(30)
        let whole = statistics(documents)
        #expect(whole.statistics(at: ["users"])?.isMap == true)
        var merged = statistics(documents[..<15])
        #expect(merged.statistics(at: ["users"])?.isMap == false)
        merged.merge(statistics(documents[15...]))
        #expect(merged == whole)
    }

    @Test func mergingIntoNothingCopies() {
        var empty = CollectionStatistics()
        let some = statistics(NoBenchFixture.documents(50))
        empty.merge(some)
        #expect(empty == some)
    }
}
