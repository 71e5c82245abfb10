import Testing

@testable import Schema

@Suite struct MapDetectionTests {
    @Test func objectsKeyedByIDBecomeMaps() throws {
        var statistics = CollectionStatistics()
        for document in UsersByIDFixture.documents(2000) { statistics.add(document) }
        let users = try #require(statistics.statistics(at: ["users"]))
        #expect(users.isMap)
        #expect(users.totalMembers == 6000)
        #expect((5700...6300).contains(users.distinctKeys.estimate))
        // Every member, folded ones included, is counted under `*`.
        #expect(statistics.statistics(at: ["users", "*"])?.present == 6000)
        #expect(statistics.statistics(at: ["users", "*", "name"])?.kinds == [.string: 6000])
        #expect(statistics.statistics(at: ["users", "*", "tags", "[]"])?.kinds == [.string: 6000])
        #expect(statistics.statistics(at: ["users", "u1"]) == nil)
        #expect(statistics.pathCount < 50)
        #expect(statistics.statistics(at: ["team"])?.present == 2000)
    }

    @Test func theRootIsNeverAMap() {
        var statistics = CollectionStatistics()
        for document in NoBenchFixture.documents(500) { statistics.add(document) }
        #expect(statistics.statistics(at: [])?.isMap == false)
        #expect(statistics.statistics(at: ["sparse_000"]) != nil || statistics.statistics(at: ["sparse_010"]) != nil)
    }

    @Test func theSameKeysNestedBecomeAMap() throws {
        // NoBench's sparse keys one level down: data-like keys, each in few objects.
        var statistics = CollectionStatistics()
        for document in NoBenchFixture.documents(500) {
            statistics.add(.object([JSONMember("wrapped", document)]))
        }
        #expect(statistics.statistics(at: ["wrapped"])?.isMap == true)
        #expect(statistics.statistics(at: ["wrapped", "*", "[]"]) != nil)
        #expect(statistics.pathCount < 50)
    }

    @Test func fewFieldNamesStayFields() {
        var statistics = CollectionStatistics()
        for document in UsersByIDFixture.documents(10) { statistics.add(document) }
        // 30 distinct keys: below the 50 a map needs.
        #expect(statistics.statistics(at: ["users"])?.isMap == false)
        #expect(statistics.statistics(at: ["users", "u1", "name"]) != nil)
    }

    @Test func manyFrequentFieldNamesStayFields() throws {
        var statistics = CollectionStatistics()
        let members = (0..<80).map { "\"field\\u005f\(Character(Unicode.Scalar(97 + $0 % 26)!))\($0 / 26)\":1" }
        let text = "{\"settings\":{\(members.joined(separator: ","))}}"
        for _ in 0..<200 { statistics.add(try JSONParser.parse(Array(text.utf8))) }
        #expect(statistics.statistics(at: ["settings"])?.isMap == false)
    }
}
