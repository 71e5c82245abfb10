import CLIP
import Synchronization
import Testing

@testable import Processing

struct ImageBatcherTests {
    /// A one-pixel image whose red value names it; the fake "model" returns [red] per image.
    func image(_ value: UInt8) throws -> RGBImage { try RGBImage(width: 1, height: 1, pixels: [value, 0, 0]) }

    @Test func concurrentCallersShareBatchesAndGetTheirOwnRows() async throws {
        let batches = Mutex<[Int]>([])
        let held = Mutex<ImageBatcher?>(nil)
        let batcher = ImageBatcher(limit: 16) { images in
            let first = batches.withLock { batches in
                batches.append(images.count)
                return batches.count == 1
            }
            // The first batch holds until every other caller waits behind it (polled, with a deadline).
            if first, let batcher = held.withLock({ $0 }) {
                let deadline = ContinuousClock.now + .seconds(10)
                while batcher.waitingCount + images.count / 2 < 12 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            return images.map { [Float($0.pixels[0])] }
        }
        held.withLock { $0 = batcher }
        try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            for caller in 0..<12 {
                group.addTask {
                    let images = try (0..<2).map { try image(UInt8(caller * 2 + $0)) }
                    return (caller, try await batcher.embeddings(images))
                }
            }
            for try await (caller, rows) in group {
                #expect(rows == [[Float(caller * 2)], [Float(caller * 2 + 1)]], "caller \(caller) got its own rows")
            }
        }
        let sizes = batches.withLock { $0 }
        #expect(sizes.reduce(0, +) == 24)
        // However many the first batch took, those waiting behind it ran in full batches.
        #expect(sizes.count <= 3, "24 images in batches of up to 16: \(sizes)")
        #expect(sizes.allSatisfy { $0 <= 16 })
    }

    @Test func aJobLargerThanABatchRunsAloneAndAFailureReachesItsBatch() async throws {
        struct Refused: Error {}
        let batcher = ImageBatcher(limit: 4) { images in
            if images.count == 1 { throw Refused() }
            return images.map { [Float($0.pixels[0])] }
        }
        let large = try (0..<10).map { try image(UInt8($0)) }
        #expect(try await batcher.embeddings(large).count == 10)
        await #expect(throws: Refused.self) { try await batcher.embeddings([try image(1)]) }
        #expect(try await batcher.embeddings([]).isEmpty)
    }
}
