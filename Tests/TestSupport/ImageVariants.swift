import Foundation

/// Image files made from the fixtures by ffmpeg, as a photo library holds them: re-encoded,
/// resized, cropped, flipped, frames of a video.
enum ImageVariants {
    /// One output file of `ffmpeg -i <fixture> <arguments> out.<format>`.
    static func make(_ fixture: String, _ arguments: [String], format: String) throws -> [UInt8] {
        try run(["-i", Fixture.url(fixture).path] + arguments, outputs: "out.\(format)").first!
    }

    /// `count` crops of a still, each shifted a little further: one ffmpeg run, `count` JPEGs.
    static func crops(_ fixture: String, count: Int, width: Int) throws -> [[UInt8]] {
        // Each frame's crop has its own offset (20 across, then a row down): no two are the same.
        let filter = "crop=iw*0.8:ih*0.8:x='mod(n,20)*2':y='floor(n/20)*2',scale=\(width):-2"
        return try run(
            ["-loop", "1", "-i", Fixture.url(fixture).path, "-vf", filter, "-frames:v", "\(count)", "-q:v", "5"],
            outputs: "frame-%04d.jpg")
    }

    /// A 320 × 240 MP4: two seconds of black, then `seconds` of the still (as a phone's clip
    /// that fades in from black).
    static func clipOpeningInBlack(_ still: String, seconds: Int, quality: Int = 23) throws -> [UInt8] {
        try run(
            [
                "-f", "lavfi", "-i", "color=black:s=320x240:r=25:d=2", "-loop", "1", "-framerate", "25", "-t",
                "\(seconds)",
                "-i", Fixture.url(still).path, "-filter_complex",
                "[1]scale=320:240,setsar=1,format=yuv420p[still];[0]format=yuv420p[black];[black][still]concat=n=2:v=1",
                "-c:v", "libx264", "-crf", "\(quality)", "-pix_fmt", "yuv420p",
            ], outputs: "clip.mp4"
        ).first!
    }

    /// A 320 × 240 MP4 showing each still for `secondsEach` seconds, one after the other (a
    /// slideshow: each still is a moment of its own).
    static func slideshow(_ stills: [String], secondsEach: Int) throws -> [UInt8] {
        var arguments: [String] = []
        var filter = ""
        for (index, still) in stills.enumerated() {
            arguments += ["-loop", "1", "-framerate", "25", "-t", "\(secondsEach)", "-i", Fixture.url(still).path]
            filter += "[\(index)]scale=320:240,setsar=1,format=yuv420p[s\(index)];"
        }
        filter += stills.indices.map { "[s\($0)]" }.joined() + "concat=n=\(stills.count):v=1"
        return try run(
            arguments + ["-filter_complex", filter, "-c:v", "libx264", "-crf", "20", "-pix_fmt", "yuv420p"],
            outputs: "slideshow.mp4"
        ).first!
    }

    /// The frame of a fixture video at `seconds`, as a JPEG.
    static func frame(_ fixture: String, at seconds: Double) throws -> [UInt8] {
        try run(
            ["-ss", "\(seconds)", "-i", Fixture.url(fixture).path, "-frames:v", "1", "-q:v", "3"], outputs: "f.jpg"
        )
        .first!
    }

    private static func run(_ arguments: [String], outputs pattern: String) throws -> [[UInt8]] {
        let folder = FileManager.default.temporaryDirectory.appending(path: "afa-variants-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-loglevel", "error", "-y"] + arguments + [folder.appending(path: pattern).path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TimedOut(what: "ffmpeg \(arguments) to succeed") }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { Array(try Data(contentsOf: folder.appending(path: $0))) }
    }

    /// The JPEG with an EXIF block saying which camera took it and when (`2024:07:14 16:32:05`),
    /// as a camera writes one: IFD0 with Make and Model, an Exif IFD with DateTimeOriginal.
    static func withExif(_ jpeg: [UInt8], make: String, model: String, taken: String) -> [UInt8] {
        precondition(jpeg.starts(with: [0xFF, 0xD8]), "not a JPEG")
        func ascii(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }
        func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
        func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(value >> ($0 * 8) & 0xFF) } }
        let (makeBytes, modelBytes, timeBytes) = (ascii(make), ascii(model), ascii(taken))
        // TIFF header (8) + IFD0 (2 + 3 × 12 + 4) + Exif IFD (2 + 12 + 4), then the strings.
        let ifd0 = 8
        let exifIFD = ifd0 + 2 + 3 * 12 + 4
        let strings = exifIFD + 2 + 12 + 4
        var tiff: [UInt8] = Array("II".utf8) + le16(42) + le32(ifd0)
        tiff += le16(3)
        tiff += le16(0x010F) + le16(2) + le32(makeBytes.count) + le32(strings)
        tiff += le16(0x0110) + le16(2) + le32(modelBytes.count) + le32(strings + makeBytes.count)
        tiff += le16(0x8769) + le16(4) + le32(1) + le32(exifIFD)
        tiff += le32(0)
        tiff += le16(1)
        tiff += le16(0x9003) + le16(2) + le32(timeBytes.count) + le32(strings + makeBytes.count + modelBytes.count)
        tiff += le32(0)
        tiff += makeBytes + modelBytes + timeBytes
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
        return [0xFF, 0xD8] + segment + jpeg.dropFirst(2)
    }
}
