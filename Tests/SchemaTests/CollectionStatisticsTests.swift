import Testing

@testable import Schema

@Suite struct CollectionStatisticsTests {
    static let documentCount = 2000

    static let noBench: CollectionStatistics = {
        var statistics = CollectionStatistics()
        for document in NoBenchFixture.documents(documentCount) { statistics.add(document) }
        return statistics
    }()

    var statistics: CollectionStatistics { Self.noBench }

    func path(_ keys: String...) -> PathStatistics {
        statistics.statistics(at: keys) ?? PathStatistics()
    }

    @Test func stableFieldsArePresentInEveryDocument() {
        #expect(statistics.documentCount == Self.documentCount)
        for key in ["str1", "str2", "num", "bool", "thousandth", "dyn1", "nested_obj", "nested_arr"] {
            #expect(path(key).present == Self.documentCount, "\(key)")
        }
        #expect(path().present == Self.documentCount)
        #expect(path().kinds == [.object: Self.documentCount])
    }

    @Test func sparseKeysEachAppearInAboutOnePercent() {
        let sparse = statistics.paths.filter { $0.key.count == 1 && $0.key[0].hasPrefix("sparse_") }
        #expect(sparse.count == 1000)
        for (key, statistics) in sparse {
            #expect((5...45).contains(statistics.present), "\(key): \(statistics.present)")
        }
        #expect(sparse.values.reduce(0) { $0 + $1.present } == Self.documentCount * 10)
        #expect(!path().isMap)
    }

    @Test func kindsAreCountedPerValue() {
        #expect(path("dyn1").kinds == [.integer: 1900, .string: 100])
        #expect(path("num").kinds == [.integer: Self.documentCount])
        #expect(path("num").minimumNumber == 0)
        #expect(path("num").maximumNumber == Double(Self.documentCount - 1))
        #expect(path("bool").kinds == [.bool: Self.documentCount])
        #expect(path("bool").distinct.estimate == 2)
        #expect(path("str1").minimumLength == 8 && path("str1").maximumLength == 8)
    }

    @Test func arrayElementsAreOnePath() {
        let elements = path("nested_arr", "[]")
        #expect(elements.kinds.keys.sorted { $0.rawValue < $1.rawValue } == [.string])
        let arrays = path("nested_arr")
        #expect(arrays.kinds == [.array: Self.documentCount])
        #expect(elements.kinds[.string] == arrays.totalElements)
        #expect(arrays.minimumElements == 0 && arrays.maximumElements == 7)
        // Present once per non-empty array.
        #expect(elements.present < Self.documentCount && elements.present > Self.documentCount * 3 / 4)
    }

    @Test func nestedObjectsHaveChildPaths() {
        #expect(path("nested_obj").kinds == [.object: Self.documentCount])
        #expect(path("nested_obj").totalMembers == 2 * Self.documentCount)
        #expect(path("nested_obj", "str").kinds == [.string: Self.documentCount])
        #expect(path("nested_obj", "num").kinds == [.integer: Self.documentCount])
        #expect(statistics.pathCount == 1 + 8 + 1 + 2 + 1000)
        #expect(statistics.paths.count == statistics.pathCount)
    }

    @Test func distinctValuesAreEstimated() {
        let thousandth = path("thousandth").distinct.estimate
        #expect((950...1050).contains(thousandth))
        // The string "1" and the number 1 are different values.
        var statistics = CollectionStatistics()
        for text in [#"{"v":1}"#, #"{"v":"1"}"#, #"{"v":1}"#] {
            statistics.add(try! JSONParser.parse(Array(text.utf8)))
        }
        #expect(statistics.statistics(at: ["v"])?.distinct.estimate == 2)
    }

    @Test func stringFormatsAndLengthsAreRecorded() throws {
        var statistics = CollectionStatistics()
        for text in [
            #"{"at":"2024-05-01T10:00:00Z","id":"550e8400-e29b-41d4-a716-446655440000","s":"héllo"}"#,
            #"{"at":"2024-05-02","id":"not a uuid","s":"😀"}"#,
        ] { statistics.add(try JSONParser.parse(Array(text.utf8))) }
        #expect(statistics.statistics(at: ["at"])?.formats == [.dateTime: 1, .date: 1])
        #expect(statistics.statistics(at: ["id"])?.formats == [.uuid: 1])
        let lengths = try #require(statistics.statistics(at: ["s"]))
        #expect(lengths.minimumLength == 1 && lengths.maximumLength == 5 && lengths.totalLength == 6)
    }

    @Test func presenceBelowArraysCountsContainingValues() throws {
        var statistics = CollectionStatistics()
        let text = #"{"items":[{"a":1,"b":null},{"a":2},{"c":[]}],"empty":[]}"#
        statistics.add(try JSONParser.parse(Array(text.utf8)))
        #expect(statistics.statistics(at: ["items", "[]"])?.present == 1)
        #expect(statistics.statistics(at: ["items", "[]"])?.kinds == [.object: 3])
        #expect(statistics.statistics(at: ["items", "[]", "a"])?.present == 2)
        #expect(statistics.statistics(at: ["items", "[]", "b"])?.kinds == [.null: 1])
        #expect(statistics.statistics(at: ["empty", "[]"]) == nil)
        #expect(statistics.statistics(at: ["empty"])?.totalElements == 0)
    }
}
