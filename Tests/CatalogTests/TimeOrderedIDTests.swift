import Catalog
import Foundation
import Testing

/// Asset ids grow with time (RFC 9562 version 7), so they sort as PostgreSQL sorts `uuid`
/// (byte by byte) in the order they were made.
@Suite struct TimeOrderedIDTests {
    @Test func idsSortInTheOrderTheyWereMadeAndAreVersion7() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let ids = (0..<200).map { UUID.timeOrdered(at: start.addingTimeInterval(Double($0) * 0.002)) }
        let texts = ids.map(\.uuidString)
        #expect(texts == texts.sorted())
        #expect(Set(ids).count == ids.count)
        for text in texts {
            #expect(Array(text)[14] == "7", "version 7: \(text)")
            #expect("89AB".contains(Array(text)[19]), "RFC 9562 variant: \(text)")
        }
        // The first 48 bits are the milliseconds since 1970.
        let first = try #require(texts.first)
        let hex = first.replacingOccurrences(of: "-", with: "").prefix(12)
        #expect(UInt64(hex, radix: 16) == 1_800_000_000_000)
        // Made in the same millisecond, two ids still differ.
        #expect(UUID.timeOrdered(at: start) != UUID.timeOrdered(at: start))
    }
}
