import Foundation
import Testing

@testable import CLIP

/// One loaded model serves concurrent callers with the same results as serial calls.
@Suite struct ConcurrencyTests {
    @Test func concurrentCallersMatchSerialCalls() async throws {
        let model = Fixtures.tinyModel
        let ids = Fixtures.texts.map { Fixtures.ints($0["input_ids"]) }
        let pixels = Fixtures.syntheticImages.map { Fixtures.synthetic($0["name"] as! String) }
        let serialText = try ids.map { try model.textFeatures(tokenIDs: [$0])[0] }
        let serialImages = try pixels.map { try model.imageFeatures(pixelValues: $0, count: 1)[0] }

        try await withThrowingTaskGroup(of: Bool.self) { group in
            for round in 0..<24 {
                group.addTask {
                    if round % 2 == 0 {
                        let index = round / 2 % ids.count
                        return try model.textFeatures(tokenIDs: [ids[index]])[0] == serialText[index]
                    } else {
                        let index = round / 2 % pixels.count
                        return try model.imageFeatures(pixelValues: pixels[index], count: 1)[0] == serialImages[index]
                    }
                }
            }
            for try await same in group { #expect(same) }
        }
    }
}
