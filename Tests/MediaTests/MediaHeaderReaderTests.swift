import Media
import Testing

@Suite("MediaHeaderReader")
struct MediaHeaderReaderTests {
    private func header(_ name: String, prefix: Int = 256 * 1024) throws -> MediaHeader {
        let bytes = Array(try Fixture.bytes(name).prefix(prefix))
        return MediaHeaderReader.read(bytes, mediaType: MediaSniffer.sniff(bytes).mediaType)
    }

    @Test(arguments: [("astronaut.png", 512, 512), ("chelsea.png", 451, 300), ("coffee.png", 600, 400)])
    func pngSize(name: String, width: Int, height: Int) throws {
        #expect(try header(name) == MediaHeader(format: "png", width: width, height: height))
    }

    @Test func jpegSizeSkipsAPPSegments() throws {
        // rocket.jpg has JFIF and a large ICC profile before its frame header.
        #expect(try header("rocket.jpg") == MediaHeader(format: "jpeg", width: 640, height: 427))
    }

    @Test func exifRotatedJPEG() throws {
        let cat = try header("cat-rotated.jpg")
        #expect(cat == MediaHeader(format: "jpeg", width: 300, height: 451, orientation: 6))
        #expect(cat.displayWidth == 451 && cat.displayHeight == 300)
    }

    @Test func littleEndianExifInJPEG() {
        let exif = SyntheticMedia.tiff(littleEndian: true, entries: [(271, 2, 0), (274, 3, 8)])
        let bytes = SyntheticMedia.jpeg(width: 1200, height: 800, exif: exif)
        #expect(
            MediaHeaderReader.read(bytes, mediaType: "image/jpeg")
                == MediaHeader(
                    format: "jpeg", width: 1200, height: 800, orientation: 8))
    }

    @Test func webmDurationAndSize() throws {
        let clip = try header("clip.webm")
        #expect(clip.format == "webm" && clip.width == 640 && clip.height == 480)
        #expect(abs((clip.durationSeconds ?? 0) - 6.0) < 0.01)
    }

    @Test func mp4WithMovieBoxAtTheEnd() throws {
        // The lead passes 256 KiB; this file's moov sits after 328 KiB of media data.
        let prefix = try header("slideshow.mp4")
        #expect(prefix == MediaHeader(format: "mp4", brand: "isom"))
        let whole = try header("slideshow.mp4", prefix: .max)
        #expect(whole.brand == "isom" && whole.width == 640 && whole.height == 480)
        #expect(abs((whole.durationSeconds ?? 0) - 14.0) < 0.05)
    }

    @Test func syntheticImages() {
        let cases: [([UInt8], String, MediaHeader)] = [
            (
                SyntheticMedia.gif(width: 320, height: 200), "image/gif",
                MediaHeader(format: "gif", width: 320, height: 200)
            ),
            (
                SyntheticMedia.webpLossy(width: 550, height: 368), "image/webp",
                MediaHeader(format: "webp", width: 550, height: 368)
            ),
            (
                SyntheticMedia.webpLossless(width: 16383, height: 1), "image/webp",
                MediaHeader(format: "webp", width: 16383, height: 1)
            ),
            (
                SyntheticMedia.webpExtended(width: 70_000, height: 3, orientation: 3), "image/webp",
                MediaHeader(format: "webp", width: 70_000, height: 3, orientation: 3)
            ),
            (
                SyntheticMedia.bmp(width: 640, height: -480), "image/bmp",
                MediaHeader(format: "bmp", width: 640, height: 480)
            ),
            (SyntheticMedia.bmp(width: 64, height: 48), "image/bmp", MediaHeader(format: "bmp", width: 64, height: 48)),
            (
                SyntheticMedia.tiff(littleEndian: true, entries: [(256, 3, 1024), (257, 4, 768), (274, 3, 5)]),
                "image/tiff",
                MediaHeader(format: "tiff", width: 1024, height: 768, orientation: 5)
            ),
            (
                SyntheticMedia.tiff(littleEndian: false, entries: [(256, 4, 90_000), (257, 3, 2)]), "image/tiff",
                MediaHeader(format: "tiff", width: 90_000, height: 2)
            ),
        ]
        for (bytes, mediaType, expected) in cases {
            #expect(MediaSniffer.sniff(bytes).mediaType == mediaType)
            #expect(MediaHeaderReader.read(bytes, mediaType: mediaType) == expected)
        }
    }

    @Test func syntheticContainers() {
        let heic = SyntheticMedia.isoFile(
            major: "heic", compatible: ["mif1", "heic"],
            boxes: SyntheticMedia.heifMeta(sizes: [(320, 240), (4032, 3024)]))
        #expect(
            MediaHeaderReader.read(heic, mediaType: "image/heic")
                == MediaHeader(
                    format: "heic", width: 4032, height: 3024, brand: "heic"))
        let avif = SyntheticMedia.isoFile(
            major: "avif", compatible: ["avif"], boxes: SyntheticMedia.heifMeta(sizes: [(64, 32)]))
        #expect(
            MediaHeaderReader.read(avif, mediaType: "image/avif")
                == MediaHeader(
                    format: "avif", width: 64, height: 32, brand: "avif"))
        let movie = SyntheticMedia.isoFile(
            major: "qt  ", compatible: ["qt  "],
            boxes: SyntheticMedia.movie(timescale: 600, duration: 5_400, width: 1920, height: 1080))
        #expect(
            MediaHeaderReader.read(movie, mediaType: "video/quicktime")
                == MediaHeader(
                    format: "quicktime", width: 1920, height: 1080, brand: "qt  ", durationSeconds: 9))
        let avi = SyntheticMedia.avi(width: 320, height: 240, microsecondsPerFrame: 40_000, frames: 250)
        #expect(
            MediaHeaderReader.read(avi, mediaType: "video/x-msvideo")
                == MediaHeader(
                    format: "avi", width: 320, height: 240, durationSeconds: 10))
    }

    @Test func otherTypesGiveOnlyAFormat() {
        #expect(MediaHeaderReader.read(Array("{}".utf8), mediaType: "application/json") == MediaHeader(format: "json"))
        #expect(
            MediaHeaderReader.read([1, 2, 3], mediaType: "application/octet-stream") == MediaHeader(format: "unknown"))
    }
}
