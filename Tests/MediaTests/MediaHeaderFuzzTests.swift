import Media
import Testing

/// Hostile and truncated inputs must give a header with fewer fields, never a crash or a hang.
/// A trap here kills the test process, which is the failure this suite exists to catch.
@Suite("MediaHeaderReader fuzzing")
struct MediaHeaderFuzzTests {
    private static let mediaTypes = [
        "image/jpeg", "image/png", "image/gif", "image/webp", "image/tiff", "image/bmp", "image/heic", "image/avif",
        "video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/x-msvideo", "application/json",
    ]

    private static func seeds() throws -> [[UInt8]] {
        let fixtures = try ["cat-rotated.jpg", "rocket.jpg", "chelsea.png", "clip.webm", "slideshow.mp4"].map {
            Array(try Fixture.bytes($0).prefix(64 * 1024))
        }
        let synthetic = [
            SyntheticMedia.gif(width: 3, height: 2), SyntheticMedia.webpExtended(width: 9, height: 9, orientation: 6),
            SyntheticMedia.webpLossy(width: 5, height: 5), SyntheticMedia.bmp(width: 1, height: -1),
            SyntheticMedia.tiff(littleEndian: false, entries: [(256, 3, 1), (257, 3, 1), (274, 3, 6)]),
            SyntheticMedia.isoFile(
                major: "heic", compatible: ["mif1"], boxes: SyntheticMedia.heifMeta(sizes: [(2, 2)])),
            SyntheticMedia.isoFile(
                major: "isom", compatible: [],
                boxes: SyntheticMedia.movie(timescale: 1, duration: 1, width: 2, height: 2)),
            SyntheticMedia.avi(width: 1, height: 1, microsecondsPerFrame: 1, frames: 1),
        ]
        return fixtures + synthetic
    }

    private func check(_ bytes: [UInt8]) {
        let sniffed = MediaSniffer.sniff(bytes)
        for mediaType in [sniffed.mediaType] + Self.mediaTypes {
            let header = MediaHeaderReader.read(bytes, mediaType: mediaType)
            #expect((header.width ?? 1) > 0 && (header.height ?? 1) > 0)
            #expect((1...8).contains(header.orientation ?? 1))
            #expect(header.durationSeconds.map { $0.isFinite && $0 > 0 } ?? true)
        }
    }

    @Test(.timeLimit(.minutes(2))) func truncatedInputs() throws {
        for seed in try Self.seeds() {
            // Every length through the headers, then coarser steps through the rest.
            for length in Array(0..<min(seed.count, 600)) + Array(stride(from: 600, to: seed.count, by: 997)) {
                check(Array(seed.prefix(length)))
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func corruptedInputs() throws {
        var rng = SplitMix64(state: 0xAFA)
        for seed in try Self.seeds() {
            let headerLength = min(seed.count, 4096)
            for _ in 0..<60 {
                var bytes = seed
                for _ in 0..<Int.random(in: 1...8, using: &rng) {
                    // Mostly near the start, where the sizes and offsets that parsers trust live.
                    let index = Int.random(in: 0..<headerLength, using: &rng)
                    bytes[index] = [0x00, 0xFF, 0x7F, 0x80, UInt8.random(in: 0...255, using: &rng)].randomElement(
                        using: &rng)!
                }
                check(bytes)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func randomBytesBehindEveryMagic() {
        var rng = SplitMix64(state: 42)
        let magics: [[UInt8]] = [
            [0xFF, 0xD8, 0xFF], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], Array("GIF89a".utf8),
            Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8X".utf8), Array("II*\u{0}".utf8), Array("MM\u{0}*".utf8),
            [0, 0, 0, 0x18] + Array("ftypheic".utf8), [0x1A, 0x45, 0xDF, 0xA3], [], Array("BM".utf8),
        ]
        for magic in magics {
            for _ in 0..<200 {
                let tail = (0..<Int.random(in: 0...512, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng)
                }
                check(magic + tail)
            }
        }
    }

    @Test func hugeDeclaredSizesDoNotOverflow() {
        let largeBox =
            SyntheticMedia.be32(1) + Array("moov".utf8) + SyntheticMedia.be64(.max) + SyntheticMedia.zeros(32)
        check(SyntheticMedia.isoFile(major: "isom", compatible: []) + largeBox)
        check([0x1A, 0x45, 0xDF, 0xA3, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0x42, 0x82, 0x84])
        check(SyntheticMedia.tiff(littleEndian: true, entries: []).prefix(4) + SyntheticMedia.le32(.max))
    }
}

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
