import Testing

@testable import Media

struct ExifReaderTests {
    /// The APP1 Exif payload of the fixture photo.
    func exifBlock() throws -> [UInt8] {
        let jpeg = try Fixture.bytes("cat-rotated.jpg")
        let marker = try #require((0..<jpeg.count - 10).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xE1 })
        let length = Int(jpeg[marker + 2]) << 8 | Int(jpeg[marker + 3])
        return Array(jpeg[(marker + 4)..<(marker + 2 + length)])
    }

    @Test func readsTheFixturesCameraFacts() throws {
        let facts = ExifReader.read(try exifBlock())
        #expect(facts.capturedAt == "2019-07-14T16:32:05+02:00")
        #expect(facts.cameraMake == "Canon" && facts.cameraModel == "Canon EOS 80D")
        #expect(facts.orientation == 6)
        #expect(facts.gps.map { abs($0.longitude - 2.2945) < 0.0001 } == true)
    }

    /// Every truncation and a flipped byte at every position of the header part: no trap, no hang.
    @Test func damagedBlocksNeverCrash() throws {
        let block = try exifBlock()
        for length in 0..<min(block.count, 600) { _ = ExifReader.read(Array(block.prefix(length))) }
        for position in 0..<min(block.count, 600) {
            var damaged = block
            damaged[position] ^= 0xFF
            _ = ExifReader.read(damaged)
        }
    }

    @Test func clocklessCamerasHaveNoCaptureTime() {
        #expect(ExifReader.isoDateTime("0000:00:00 00:00:00") == nil)
        #expect(ExifReader.isoDateTime("    :  :     :  :  ") == nil)
        #expect(ExifReader.isoDateTime("2024:02:29 23:59:59") == "2024-02-29T23:59:59")
        #expect(ExifReader.offset("+05:30") == "+05:30" && ExifReader.offset("   :  ") == nil)
    }
}
