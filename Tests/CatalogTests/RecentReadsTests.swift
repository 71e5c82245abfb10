import Catalog
import Synchronization
import Testing

/// What a recent read may serve, and what it must not.
@Suite struct RecentReadsTests {
    /// Counts the reads that reached the "database".
    final class Source: Sendable {
        let reads = Atomic<Int>(0)
        func read(_ value: String?) -> String? {
            reads.add(1, ordering: .relaxed)
            return value
        }
        var count: Int { reads.load(ordering: .relaxed) }
    }

    @Test func aRecentReadIsServedAgainUntilAskedFresh() async {
        let reads = RecentReads<String, String>(lifetime: .seconds(600))
        let source = Source()
        #expect(await reads.value(for: "a") { source.read("one") } == "one")
        #expect(await reads.value(for: "a") { source.read("two") } == "one")
        #expect(source.count == 1)
        #expect(await reads.value(for: "a", fresh: true) { source.read("two") } == "two")
        #expect(await reads.value(for: "a") { source.read("three") } == "two")
        #expect(source.count == 2)
    }

    @Test func nothingFoundAndExpiredReadsAreReadAgain() async {
        let source = Source()
        let lasting = RecentReads<String, String>(lifetime: .seconds(600))
        #expect(await lasting.value(for: "wrong key") { source.read(nil) } == nil)
        #expect(await lasting.value(for: "wrong key") { source.read(nil) } == nil)
        #expect(source.count == 2)
        let expired = RecentReads<String, String>(lifetime: .zero)
        _ = await expired.value(for: "a") { source.read("one") }
        #expect(await expired.value(for: "a") { source.read("two") } == "two")
        #expect(source.count == 4)
    }

    @Test func aChangeMadeWhileAReadWasUnderWayIsNotHiddenByIt() async {
        let reads = RecentReads<String, String>(lifetime: .seconds(600))
        // The read began before the change (a revocation, a new collection) and may predate it.
        #expect(
            await reads.value(for: "a") {
                reads.forget { key, _ in key == "a" }
                return "before the change"
            } == "before the change")
        #expect(await reads.value(for: "a") { "after the change" } == "after the change")
        // `forget` drops what it names and keeps the rest.
        _ = await reads.value(for: "b") { "b" }
        reads.forget { key, _ in key == "a" }
        #expect(await reads.value(for: "a") { "read again" } == "read again")
        #expect(await reads.value(for: "b") { "not read" } == "b")
    }

    @Test func aFullCacheStillServesTheNewestRead() async {
        let reads = RecentReads<Int, Int>(lifetime: .seconds(600), capacity: 3)
        for key in 0..<10 { _ = await reads.value(for: key) { key } }
        #expect(await reads.value(for: 9) { -1 } == 9)
    }
}
