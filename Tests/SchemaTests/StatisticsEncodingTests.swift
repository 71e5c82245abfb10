import Testing

@testable import Schema

@Suite struct StatisticsEncodingTests {
    @Test func encodedStatisticsDecodeToTheSame() throws {
        var statistics = CollectionStatistics()
        for document in NoBenchFixture.documents(300) { statistics.add(document) }
        for document in UsersByIDFixture.documents(100) { statistics.add(document) }
        let odd = #"{"weird \"key\"":[1e400,-1e400,1e-400,0.1,18446744073709551616]}"#
        statistics.add(try JSONParser.parse(Array(odd.utf8)))
        let decoded = try CollectionStatistics(decoding: statistics.encoded())
        #expect(decoded == statistics)
        #expect(decoded.statistics(at: ["users"])?.isMap == true)
        let sameBytes = decoded.encoded() == statistics.encoded()
        #expect(sameBytes)
        let numbers = try #require(decoded.statistics(at: ["weird \"key\"", "[]"]))
        #expect(numbers.minimumNumber == -.infinity && numbers.maximumNumber == .infinity)
    }

    @Test func emptyStatisticsRoundTrip() throws {
        let empty = CollectionStatistics()
        #expect(try CollectionStatistics(decoding: empty.encoded()) == empty)
        #expect(empty.paths.isEmpty)
    }

    @Test func garbageIsRefused() {
        #expect(throws: (any Error).self) { try CollectionStatistics(decoding: Array("{}".utf8)) }
        #expect(throws: (any Error).self) { try CollectionStatistics(decoding: Array("not json".utf8)) }
        let badSketch = #"{"format":1,"documentCount":1,"paths":[{"path":[],"distinct":"@@@@"}]}"#
        #expect(throws: StatisticsDecodingError.self) { try CollectionStatistics(decoding: Array(badSketch.utf8)) }
    }

    @Test func base64RoundTrips() {
        for length in 0..<8 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 97 + 3) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("Man".utf8)) == "TWFu")
        #expect(Base64.decode("TWE=") == Array("Ma".utf8))
        #expect(Base64.decode("TW=u") == nil)
    }
}
