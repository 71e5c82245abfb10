import Foundation
import Imaging
import Media
import Testing

struct ImageRendererTests {
    let renderer = ImageRenderer()

    @Test func rotatedJPEGIsUprightWithItsCameraFacts() throws {
        let image = try renderer.render(try Fixture.bytes("cat-rotated.jpg"))
        #expect(image.format == "jpeg")
        #expect(image.width == 451 && image.height == 300)
        #expect(image.preview.width == 451 && image.preview.height == 300, "a small photo is never enlarged")
        let exif = image.exif
        #expect(exif.capturedAt == "2019-07-14T16:32:05+02:00")
        #expect(exif.captureOffset == "+02:00")
        #expect(exif.cameraMake == "Canon" && exif.cameraModel == "Canon EOS 80D")
        #expect(exif.lensModel == "EF-S18-135mm f/3.5-5.6 IS USM")
        #expect(exif.orientation == 6)
        let gps = try #require(exif.gps)
        #expect(abs(gps.latitude - 48.8584) < 0.0001 && abs(gps.longitude - 2.2945) < 0.0001)
    }

    /// The preview of the rotated file must look like the upright original, not like its stored pixels.
    @Test func previewIsTheUprightPicture() throws {
        let rotated = try renderer.render(try Fixture.bytes("cat-rotated.jpg"))
        let upright = try renderer.render(try Fixture.bytes("chelsea.png"))
        #expect(PerceptualHash.distance(rotated.perceptualHash, upright.perceptualHash) <= 8)
    }

    @Test func renditionsHaveTheirSizesAndFormats() throws {
        let image = try renderer.render(try Fixture.bytes("rocket.jpg"))
        #expect(image.width == 640 && image.height == 427)
        for webP in [image.preview, image.small] {
            #expect(Array(webP.bytes[0..<4]) == Array("RIFF".utf8) && Array(webP.bytes[8..<12]) == Array("WEBP".utf8))
            let decoded = try ImageRenderer.pixels(ofImage: webP.bytes)
            #expect(decoded.width == webP.width && decoded.height == webP.height)
        }
        #expect(image.small.width == 250 && image.small.height == 250)
        #expect(min(image.clipInput.width, image.clipInput.height) == 224)
        #expect(image.clipInput.width == 336, "the aspect ratio is kept: 640 × 427 → 336 × 224")
        #expect(image.blurHash.count == 28 && image.blurHash.hasPrefix("L"), "4 × 3 components")
        #expect(image.contrast > 20)
    }

    @Test func perceptualHashSeparatesPicturesAndSurvivesReencoding() throws {
        let chelsea = try renderer.render(try Fixture.bytes("chelsea.png"))
        let rocket = try renderer.render(try Fixture.bytes("rocket.jpg"))
        let reencoded = try renderer.render(chelsea.preview.bytes)
        #expect(PerceptualHash.distance(chelsea.perceptualHash, reencoded.perceptualHash) <= 4)
        #expect(PerceptualHash.distance(chelsea.perceptualHash, rocket.perceptualHash) >= 16)
    }

    @Test func clipInputRoundTripsThroughPNGExactly() throws {
        let image = try renderer.render(try Fixture.bytes("chelsea.png"))
        let png = try ImageRenderer.png(image.clipInput)
        #expect(try ImageRenderer.pixels(ofImage: png) == image.clipInput)
    }

    @Test func truncatedJPEGFails() throws {
        let bytes = try Fixture.bytes("rocket.jpg")
        expectUndecodable(Array(bytes.prefix(bytes.count / 2)))
    }

    @Test func pngWithACorruptChunkFails() throws {
        var bytes = try Fixture.bytes("chelsea.png")
        // Damage the compressed pixel data in the middle of the file (its CRC then fails too).
        for index in stride(from: bytes.count / 2, to: bytes.count / 2 + 64, by: 1) { bytes[index] ^= 0x5A }
        expectUndecodable(bytes)
    }

    @Test func textIsNotAnImage() {
        expectUndecodable(Array("just some text, named photo.jpg".utf8))
        expectUndecodable([])
    }

    @Test func decompressionBombIsRefusedFromItsHeader() {
        #expect(throws: ImageError.self) { try renderer.render(SyntheticPNG.header(width: 50_000, height: 50_000)) }
        do {
            _ = try renderer.render(SyntheticPNG.header(width: 50_000, height: 50_000))
        } catch ImageError.tooLarge(let reason) {
            #expect(reason.contains("50000 × 50000"))
        } catch {
            Issue.record("expected tooLarge, got \(error)")
        }
    }

    /// Reference values from the `blurhash` package on PyPI (the algorithm's Python port).
    @Test func blurHashMatchesTheReferenceEncoder() {
        let (width, height) = (6, 4)
        var gradient: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                gradient += [UInt8((x * 40 + y * 10) % 256), UInt8((x * 7 + y * 50) % 256), UInt8(255 - x * 30)]
            }
        }
        #expect(BlurHash.encode(rgb: gradient, width: width, height: height) == "L~F;|9FkR?xdv=S8bJnnVwjaj@ag")
        let grey = [UInt8](repeating: 128, count: 8 * 8 * 3)
        #expect(BlurHash.encode(rgb: grey, width: 8, height: 8) == "L8Eyb[~qfQ~q~qt7fQt7fQfQfQfQ")
    }

    private func expectUndecodable(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try renderer.render(bytes)
            Issue.record("decoded what should have failed", sourceLocation: sourceLocation)
        } catch ImageError.undecodable {
        } catch {
            Issue.record("expected undecodable, got \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// A PNG signature and IHDR chunk (with a correct CRC) declaring any size, and no pixels.
enum SyntheticPNG {
    static func header(width: UInt32, height: UInt32) -> [UInt8] {
        func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        let body = Array("IHDR".utf8) + bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + bigEndian(13) + body + bigEndian(crc32(body))
            + bigEndian(0) + Array("IEND".utf8) + bigEndian(crc32(Array("IEND".utf8)))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// Shapes of input that once could trap or balloon.
struct ImageShapeTests {
    let renderer = ImageRenderer()

    @Test func extraChannelsAreDroppedNotTrappedOn() throws {
        let image = try renderer.render(try Fixture.bytes("five-bands.tif"))
        #expect(image.format == "tiff")
        #expect(image.clipInput.bytes.count == image.clipInput.width * image.clipInput.height * 3)
        #expect(image.small.width == 250)
    }

    @Test func aBannerKeepsABoundedCLIPInput() throws {
        let image = try renderer.render(try Fixture.bytes("banner.png"))
        #expect(image.width == 4000 && image.height == 12)
        #expect(image.clipInput.height == 224)
        #expect(image.clipInput.width <= 224 * 4, "the centre CLIP reads, not 224 × 75,000 pixels")
    }

    @Test func formatsOutsideTheListAreRefused() {
        // A minimal BMP header: libvips reads BMP only through an untrusted loader, which is blocked.
        var bmp = Array("BM".utf8) + [UInt8](repeating: 0, count: 60)
        bmp[10] = 54
        #expect(throws: ImageError.self) { try renderer.render(bmp) }
    }
}
