import Foundation
import Organise
import Testing

@Suite struct DuplicateRulesTests {
    func still(
        _ hash: UInt64, width: Int = 4000, height: Int = 3000, digest: [UInt8]? = nil, captured: String? = nil,
        bytes: Int64 = 1_000_000, fields: Int = 0, created: TimeInterval = 0
    ) -> MediaFacts {
        MediaFacts(
            id: UUID(), kind: .image, width: width, height: height, hashes: [0: hash], pixelDigest: digest,
            capturedAt: captured, camera: captured == nil ? nil : "Canon EOS", durationSeconds: nil, bytes: bytes,
            metadataFields: fields, createdAt: Date(timeIntervalSince1970: created))
    }

    let rules = DuplicateRules()

    @Test func aResizedReEncodeIsNearExactAndADifferentPhotoIsNot() {
        let original = still(0xF0F0_1234_5678_9ABC)
        let copy = still(0xF0F0_1234_5678_9ABD, width: 1000, height: 750)
        #expect(rules.judge(original, copy, cosine: nil)?.tier == .nearExact)
        #expect(rules.judge(original, still(0x0F0F_EDCB_A987_6543), cosine: 0.5) == nil)
    }

    @Test func samePixelsInAnotherFileArePixelIdentical() {
        let a = still(42, digest: [1, 2, 3])
        let b = still(42, digest: [1, 2, 3])
        #expect(rules.judge(a, b, cosine: nil)?.tier == .pixelIdentical)
    }

    @Test func burstFramesAreNotNearExactButMayBeSimilar() {
        let first = still(0xAAAA_AAAA_AAAA_AAAA, captured: "2024-07-14T16:32:05")
        let second = still(0xAAAA_AAAA_AAAA_AAAB, captured: "2024-07-14T16:32:06")
        #expect(rules.judge(first, second, cosine: nil) == nil)
        #expect(rules.judge(first, second, cosine: 0.97)?.tier == .visuallySimilar)
        let copy = still(0xAAAA_AAAA_AAAA_AAAB, width: 2000, height: 1500, captured: "2024-07-14T16:32:05")
        #expect(rules.judge(first, copy, cosine: nil)?.tier == .nearExact, "a copy keeps its capture time")
    }

    @Test func aCropIsNotNearExact() {
        #expect(rules.judge(still(7), still(7, width: 3000, height: 3000), cosine: nil) == nil)
    }

    @Test func videosThatShareOnlyAnOpeningAreNotDuplicates() {
        func video(_ segments: [UInt64], duration: Double) -> MediaFacts {
            var hashes: [Int: UInt64] = [0: segments[0]]
            for (index, hash) in segments.enumerated() { hashes[index + 1] = hash }
            return MediaFacts(
                id: UUID(), kind: .video, width: 1920, height: 1080, hashes: hashes, pixelDigest: nil,
                capturedAt: nil, camera: nil, durationSeconds: duration, bytes: 1, metadataFields: 0,
                createdAt: Date())
        }
        let original = video([0x1111, 0xFFFF_0000_FFFF, 0xF0F0_F0F0_F0F0_F0F0], duration: 14)
        let reEncoded = video([0x1113, 0xFFFF_0000_FFFE, 0xF0F0_F0F0_F0F0_F0F1], duration: 14.02)
        let other = video([0x1111, 0x0123_4567_89AB_CDEF, 0x7777_0000_1111_2222], duration: 14)
        #expect(rules.judge(original, reEncoded, cosine: nil)?.tier == .nearExact)
        #expect(rules.judge(original, other, cosine: nil) == nil, "one shared scene of three is not a copy")
    }

    @Test func theKeeperIsTheLargestThenLeastCompressedThenRichestThenOldest() {
        let small = still(1, width: 1000, height: 750)
        let large = still(1)
        #expect(KeeperChoice.suggest([small, large])?.id == large.id)
        let compressed = still(1, bytes: 500_000)
        #expect(KeeperChoice.suggest([compressed, large])?.id == large.id)
        let rich = still(1, fields: 12)
        #expect(KeeperChoice.suggest([large, rich])?.id == rich.id)
        let older = still(1, created: -10)
        #expect(KeeperChoice.suggest([large, older])?.id == older.id)
    }

    @Test func aGroupHasItsWeakestLinksTier() {
        let (a, b, c, d) = (UUID(), UUID(), UUID(), UUID())
        let groups = DuplicateGroups.group([
            .init(a, b, tier: .pixelIdentical), .init(b, c, tier: .visuallySimilar), .init(d, UUID(), tier: .nearExact),
        ])
        #expect(groups.count == 2)
        let first = groups.first { $0.members.contains(a) }!
        #expect(Set(first.members) == [a, b, c])
        #expect(first.tier == .visuallySimilar)
    }

    @Test func namesComeFromDominantTagsAndDates() {
        let name = ClusterName.propose(
            tags: [["beach", "sea"], ["beach", "sea", "dog"], ["beach"]], months: ["2024-07", "2024-07", "2024-07"])
        #expect(name == "beach, sea — July 2024")
        #expect(
            ClusterName.propose(tags: [[], []], months: ["2023-12", "2024-01"])
                == "Similar photos — December 2023–January 2024")
        #expect(ClusterName.slug("beach, sea — July 2024") == "beach-sea-july-2024")
        #expect(ClusterName.slug("Été à Paris!") == "t-paris")
        #expect(ClusterName.slug("—") == "cluster")
    }
}
