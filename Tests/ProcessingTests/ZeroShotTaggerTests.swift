import Testing

@testable import Processing

struct ZeroShotTaggerTests {
    /// Unit vectors in 2-D at the given cosines to the image (1, 0).
    func terms(_ scores: [(String, Float)]) -> [(term: String, vector: [Float])] {
        scores.map { ($0.0, [$0.1, (1 - $0.1 * $0.1).squareRoot()]) }
    }

    @Test func aTermIsATagWhenItStandsOutAndClearsTheFloor() {
        var scores: [(String, Float)] = (0..<40).map { ("filler \($0)", 0.1 + Float($0 % 5) * 0.005) }
        scores += [("dog", 0.31), ("beach", 0.27)]
        let result = ZeroShotTagger(minimumScore: 0.2, relativeThreshold: 2.5, maximumTags: 10)
            .tag([1, 0], terms: terms(scores))
        #expect(result.tags.map(\.term) == ["dog", "beach"])
        #expect(abs(result.tags[0].score - 0.31) < 1e-5)
    }

    @Test func theFloorKeepsAnImageUnlikeEverythingUntagged() {
        var scores: [(String, Float)] = (0..<40).map { ("filler \($0)", 0.02) }
        scores.append(("noise", 0.12))
        let result = ZeroShotTagger(minimumScore: 0.2).tag([1, 0], terms: terms(scores))
        #expect(result.tags.isEmpty, "it stands out, but scores below the floor")
        #expect(result.cut == 0.2)
    }

    @Test func atMostTheLimitBestFirst() {
        let scores: [(String, Float)] = (0..<30).map { ("term \($0)", Float($0) / 100) }
        let result = ZeroShotTagger(minimumScore: 0, relativeThreshold: -10, maximumTags: 3)
            .tag([1, 0], terms: terms(scores))
        #expect(result.tags.map(\.term) == ["term 29", "term 28", "term 27"])
        #expect(ZeroShotTagger().tag([1, 0], terms: []).tags.isEmpty)
    }
}
