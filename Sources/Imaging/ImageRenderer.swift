import CVips
import Media

/// Decodes an image once, with libvips, and derives every rendition from that one decode.
///
/// The decode is a shrink-on-load to the preview's size: a 12 MP JPEG is decoded at a half or a
/// quarter of its size by the JPEG decoder itself, rotated upright and converted to sRGB on the
/// way. That image is rendered into memory once, and the thumbnails, the CLIP input and the
/// hashes are all resized from it. Blocking and CPU-heavy: call it on the compute pool.
public struct ImageRenderer: Sendable {
    public static let previewEdge = 1440
    public static let smallSide = 250
    public static let clipShortestEdge = 224
    static let webPQuality: Int32 = 80
    /// libwebp's effort for the 1440 px preview: 1 encodes it in a quarter of the default's (4)
    /// time for files about 10% larger, at the same quality setting. The small square is cheap
    /// at any effort and keeps the default.
    static let previewEffort: Int32 = 1
    static let smallEffort: Int32 = 4
    /// The shortest edge of the intermediate every small rendition is resized from.
    static let workingEdge = 256
    /// Enough pixels for a placeholder hash; more only costs time.
    static let blurHashEdge: Int32 = 32

    public let limits: ImageLimits

    public init(limits: ImageLimits = ImageLimits()) { self.limits = limits }

    public func render(_ bytes: [UInt8]) throws -> ImageRenditions {
        try Vips.start()
        return try bytes.withUnsafeBytes { buffer in
            let header = try probe(buffer)
            guard Self.decodedFormats.contains(header.format) else {
                throw ImageError.undecodable("\(header.format) images are not decoded here")
            }
            let decoded = try Vips.make("decoding") {
                afa_vips_decode_to_fit(buffer.baseAddress, buffer.count, Int32(Self.previewEdge), $0)
            }
            // Rendering into memory runs the decode, once: a damaged file fails here.
            let master = try Vips.make("colour") { afa_vips_srgb8(decoded.pointer, $0) }.materialised()
            return try renditions(of: master, header: header)
        }
    }

    /// The header's facts, refused when they exceed the limits: nothing is decoded yet.
    private func probe(_ buffer: UnsafeRawBufferPointer) throws -> Header {
        // The service's own header reader first: a decoder's header parser may already allocate
        // by the declared size, or refuse a bomb with a vaguer message than this one.
        let prefix = [UInt8](buffer.prefix(Self.headerPrefixBytes))
        let declared = MediaHeaderReader.read(prefix, mediaType: MediaSniffer.sniff(prefix).mediaType)
        if let width = declared.displayWidth, let height = declared.displayHeight {
            try check(width: width, height: height)
        }
        guard let base = buffer.baseAddress, buffer.count > 0, afa_vips_loader(base, buffer.count) != nil else {
            vips_error_clear()
            throw ImageError.undecodable("not an image format this libvips reads")
        }
        let image = try Vips.make("reading the header") { out in
            out.pointee = afa_vips_header(base, buffer.count)
            return out.pointee == nil ? -1 : 0
        }
        let frames = Int(vips_image_get_n_pages(image.pointer))
        let swap = vips_image_get_orientation_swap(image.pointer) != 0
        let (width, height) = swap ? (image.height, image.width) : (image.width, image.height)
        try check(width: width, height: height)
        if frames > limits.maximumFrames {
            throw ImageError.tooLarge(
                "the image has \(frames) frames, above the limit of \(limits.maximumFrames): refused before decoding")
        }
        var loader: UnsafePointer<CChar>?
        let format =
            vips_image_get_string(image.pointer, "vips-loader", &loader) == 0 && loader != nil
            ? Self.formatName(String(cString: loader!)) : "unknown"
        var exif = ExifFacts()
        var exifBytes: UnsafeRawPointer?
        var exifLength = 0
        if afa_vips_blob(image.pointer, "exif-data", &exifBytes, &exifLength) == 0, let exifBytes {
            exif = ExifReader.read([UInt8](UnsafeRawBufferPointer(start: exifBytes, count: exifLength)))
        }
        vips_error_clear()
        return Header(format: format, width: width, height: height, frames: max(frames, 1), exif: exif)
    }

    private func check(width: Int, height: Int) throws {
        let pixels = width.multipliedReportingOverflow(by: height)
        if pixels.overflow || pixels.partialValue > limits.maximumPixels {
            throw ImageError.tooLarge(
                "the header declares \(width) × \(height) pixels, above the limit of "
                    + "\(limits.maximumPixels / 1_000_000) megapixels: refused before decoding")
        }
    }

    /// Enough for every header the reader knows (a JPEG's Exif segment comes before its size).
    static let headerPrefixBytes = 256 << 10

    private struct Header {
        let format: String
        let width: Int
        let height: Int
        let frames: Int
        let exif: ExifFacts
    }

    /// The preview comes from the decode itself; everything smaller from one intermediate, its
    /// shortest edge `workingEdge`: resampling 1440 px down once instead of four times halves the
    /// stage's resize cost, and a 224 px CLIP input or a 32 px hash loses nothing by it.
    private func renditions(of master: VipsImageRef, header: Header) throws -> ImageRenditions {
        let preview = try webP(master, effort: Self.previewEffort)
        let shortest = min(master.width, master.height)
        let working =
            shortest > Self.workingEdge
            ? try Vips.make("resizing") {
                afa_vips_resize(master.pointer, Double(Self.workingEdge) / Double(shortest), $0)
            }.materialised() : master
        let small = try webP(
            Vips.make("thumbnail") { afa_vips_cover_centre(working.pointer, Int32(Self.smallSide), $0) },
            effort: Self.smallEffort)
        let clipInput = try Self.rgb(clipSource(working))
        let square = try Vips.make("hash input") {
            afa_vips_fit(working.pointer, Int32(PerceptualHash.side), Int32(PerceptualHash.side), 1, $0)
        }
        let grey = try Vips.make("greyscale") { afa_vips_grey8(square.pointer, $0) }
        let greyPixels = try grey.pixelBytes()
        guard greyPixels.count == PerceptualHash.side * PerceptualHash.side else {
            throw ImageError.undecodable("the hash input has \(grey.bands) channels")
        }
        let tiny = try Vips.make("placeholder") {
            afa_vips_fit(working.pointer, Self.blurHashEdge, Self.blurHashEdge, 0, $0)
        }
        return ImageRenditions(
            format: header.format, width: header.width, height: header.height, frames: header.frames,
            exif: header.exif, preview: preview, small: small, clipInput: clipInput,
            perceptualHash: PerceptualHash.hash(grey: greyPixels), pixelDigest: try master.pixelDigest(),
            blurHash: BlurHash.encode(rgb: try Self.rgb(tiny).bytes, width: tiny.width, height: tiny.height),
            contrast: Self.standardDeviation(greyPixels))
    }

    /// The CLIP input: shortest edge 224, and a long edge at most `clipLongestRatio` times that.
    /// CLIP crops the centre square anyway; a 1 × 100,000 banner kept whole would be 224 ×
    /// 22 million pixels.
    private func clipSource(_ working: VipsImageRef) throws -> VipsImageRef {
        var source = working
        let (short, long) = (min(working.width, working.height), max(working.width, working.height))
        if long > short * Self.clipLongestRatio {
            let keep = short * Self.clipLongestRatio
            let (width, height) = working.width > working.height ? (keep, short) : (short, keep)
            source = try Vips.make("CLIP crop") { afa_vips_centre(working.pointer, Int32(width), Int32(height), $0) }
        }
        let scale = Double(Self.clipShortestEdge) / Double(short)
        return try Vips.make("CLIP input") { afa_vips_resize(source.pointer, scale, $0) }
    }

    static let clipLongestRatio = 4

    /// The formats the service decodes; anything else libvips might open (it is refused).
    static let decodedFormats: Set<String> = ["jpeg", "png", "webp", "gif", "tiff", "heif"]

    /// Pixels of an 8-bit three-band image, checked: a malformed image throws, never traps.
    static func rgb(_ image: VipsImageRef) throws -> RGBPixels {
        let bytes = try image.pixelBytes()
        guard image.bands == 3, bytes.count == image.width * image.height * 3 else {
            throw ImageError.undecodable("expected three colour channels, found \(image.bands)")
        }
        return RGBPixels(width: image.width, height: image.height, bytes: bytes)
    }

    private func webP(_ image: VipsImageRef, effort: Int32) throws -> EncodedImage {
        let bytes = try image.encoded { afa_vips_webp(image.pointer, Self.webPQuality, effort, $0, $1) }
        return EncodedImage(bytes: bytes, width: image.width, height: image.height, mediaType: "image/webp")
    }

    /// Lossless PNG of pixels, for the CLIP input kept beside the thumbnails.
    public static func png(_ pixels: RGBPixels) throws -> [UInt8] {
        try Vips.start()
        return try pixels.bytes.withUnsafeBytes { buffer in
            guard
                let image = vips_image_new_from_memory(
                    buffer.baseAddress, buffer.count, Int32(pixels.width), Int32(pixels.height), 3,
                    VIPS_FORMAT_UCHAR)
            else { throw ImageError.undecodable("wrapping pixels: \(Vips.takeError())") }
            let reference = VipsImageRef(image)
            return try reference.encoded { afa_vips_png(reference.pointer, $0, $1) }
        }
    }

    /// Decodes a PNG this renderer wrote (or any image) to 8-bit sRGB pixels at its own size.
    public static func pixels(ofImage bytes: [UInt8]) throws -> RGBPixels {
        try Vips.start()
        guard !bytes.isEmpty else { throw ImageError.undecodable("no bytes") }
        return try bytes.withUnsafeBytes { buffer in
            let image = try Vips.make("decoding") { out in
                out.pointee = afa_vips_header(buffer.baseAddress!, buffer.count)
                return out.pointee == nil ? -1 : 0
            }
            return try rgb(try Vips.make("colour") { afa_vips_srgb8(image.pointer, $0) })
        }
    }

    static func standardDeviation(_ values: [UInt8]) -> Double {
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
        return variance.squareRoot()
    }

    /// `jpegload_buffer` → `jpeg`.
    static func formatName(_ loader: String) -> String {
        var name = Substring(loader)
        for suffix in ["_buffer", "_source", "load"] where name.hasSuffix(suffix) { name = name.dropLast(suffix.count) }
        return String(name)
    }
}

extension ImageRenderer {
    /// `8.14.1`: recorded with every rendition's lineage.
    public static var libraryVersion: String {
        "\(vips_version(0)).\(vips_version(1)).\(vips_version(2))"
    }
}

extension ImageRenderer {
    /// The formats the service decodes, and whether this libvips has a loader for each
    /// (HEIC and AVIF both come through libheif, when libvips was built with it).
    public static func readableFormats() throws -> [(format: String, readable: Bool)] {
        try Vips.start()
        let loaders: [(format: String, loader: String)] = [
            ("jpeg", "jpegload"), ("png", "pngload"), ("webp", "webpload"), ("gif", "gifload"), ("tiff", "tiffload"),
            ("heic/avif", "heifload"),
        ]
        return loaders.map { ($0.format, vips_type_find("VipsOperation", $0.loader) != 0) }
    }
}
