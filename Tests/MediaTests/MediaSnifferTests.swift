import Foundation
import Media
import Testing

@Suite("MediaSniffer")
struct MediaSnifferTests {
    @Test(arguments: [
        ("cat-rotated.jpg", "image/jpeg", AssetKind.image), ("rocket.jpg", "image/jpeg", .image),
        ("astronaut.png", "image/png", .image), ("chelsea.png", "image/png", .image),
        ("coffee.png", "image/png", .image), ("clip.webm", "video/webm", .video),
        ("slideshow.mp4", "video/mp4", .video),
    ])
    func sniffsFixtures(name: String, mediaType: String, kind: AssetKind) throws {
        let sniffed = MediaSniffer.sniff(try Fixture.bytes(name))
        #expect(sniffed.mediaType == mediaType)
        #expect(sniffed.kind == kind)
    }

    @Test func sniffsSyntheticHeaders() {
        let cases: [([UInt8], String)] = [
            (SyntheticMedia.gif(width: 3, height: 2), "image/gif"),
            (SyntheticMedia.webpLossy(width: 3, height: 2), "image/webp"),
            (SyntheticMedia.webpLossless(width: 3, height: 2), "image/webp"),
            (SyntheticMedia.bmp(width: 3, height: 2), "image/bmp"),
            (SyntheticMedia.tiff(littleEndian: true, entries: []), "image/tiff"),
            (SyntheticMedia.tiff(littleEndian: false, entries: []), "image/tiff"),
            (SyntheticMedia.isoFile(major: "heic", compatible: ["mif1", "heic"]), "image/heic"),
            (SyntheticMedia.isoFile(major: "mif1", compatible: ["mif1", "heix"]), "image/heic"),
            (SyntheticMedia.isoFile(major: "avif", compatible: ["mif1", "avif"]), "image/avif"),
            (SyntheticMedia.isoFile(major: "mif1", compatible: ["mif1", "avif"]), "image/avif"),
            (SyntheticMedia.isoFile(major: "qt  ", compatible: ["qt  "]), "video/quicktime"),
            (SyntheticMedia.isoFile(major: "M4V ", compatible: ["M4V ", "mp42"]), "video/mp4"),
            (SyntheticMedia.isoFile(major: "mp42", compatible: []), "video/mp4"),
            (SyntheticMedia.isoFile(major: "XYZW", compatible: ["isom"]), "video/mp4"),
            (SyntheticMedia.isoFile(major: "crx ", compatible: ["crx "]), "application/octet-stream"),
            (SyntheticMedia.avi(width: 3, height: 2, microsecondsPerFrame: 40_000, frames: 25), "video/x-msvideo"),
            (SyntheticMedia.ebml(docType: "matroska"), "video/x-matroska"),
            (
                SyntheticMedia.be32(8) + Array("wide".utf8) + SyntheticMedia.be32(64) + Array("mdat".utf8),
                "video/quicktime"
            ),
            (SyntheticMedia.ebml(docType: "webm"), "video/webm"),
        ]
        for (bytes, mediaType) in cases {
            #expect(MediaSniffer.sniff(bytes).mediaType == mediaType)
        }
    }

    @Test func sniffsJSONByItsFirstSignificantByte() {
        for text in ["{\"a\":1}", "[1,2]", " \r\n\t{", "\u{FEFF}  [", "{ not valid but starts right"] {
            #expect(MediaSniffer.sniff(Array(text.utf8)) == SniffedMedia(mediaType: "application/json", kind: .json))
        }
        for text in ["\"just a string\"", "42", "hello {", "", "   ", "BM text that starts like a bitmap"] {
            #expect(
                MediaSniffer.sniff(Array(text.utf8))
                    == SniffedMedia(mediaType: "application/octet-stream", kind: .other))
        }
    }

    @Test func nameIsNeverConsulted() throws {
        // A PNG saved under a .jpg name is still a PNG: only bytes reach the sniffer.
        let misnamed = FileManager.default.temporaryDirectory.appendingPathComponent("astronaut-\(UUID()).jpg")
        try Data(try Fixture.bytes("astronaut.png")).write(to: misnamed)
        defer { try? FileManager.default.removeItem(at: misnamed) }
        #expect(MediaSniffer.sniff(try Data(contentsOf: misnamed)).mediaType == "image/png")
    }

    @Test func sniffsAnyCollectionOfBytes() throws {
        let jpeg = try Fixture.bytes("rocket.jpg")
        #expect(MediaSniffer.sniff(jpeg[...]).mediaType == "image/jpeg")
        #expect(MediaSniffer.sniff(Data(jpeg)).mediaType == "image/jpeg")
        #expect(MediaSniffer.sniff(jpeg.prefix(2)).mediaType == "application/octet-stream")
    }

    @Test func assetKindRawValuesAreStable() {
        #expect(AssetKind.allCases.map(\.rawValue) == ["image", "video", "json", "other"])
    }
}
