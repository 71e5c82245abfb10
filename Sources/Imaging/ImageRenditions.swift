import Media

/// What one decode of an image yields: every size the service keeps or computes from.
public struct ImageRenditions: Sendable {
    /// libvips' name of the format it read: `jpeg`, `png`, `webp`, `gif`, `tiff`, `heif`…
    public let format: String
    /// Pixel size as a viewer shows it, after the EXIF rotation.
    public let width: Int
    public let height: Int
    /// Pages or animation frames in the file (the renditions show the first).
    public let frames: Int
    public let exif: ExifFacts
    /// Long edge `ImageRenderer.previewEdge` or less (never enlarged), WebP.
    public let preview: EncodedImage
    /// A `ImageRenderer.smallSide` square from the centre, WebP.
    public let small: EncodedImage
    /// Shortest edge `ImageRenderer.clipShortestEdge`, uncropped: what CLIP's preprocessing
    /// starts from, kept so that re-embedding with another model needs no second decode.
    public let clipInput: RGBPixels
    public let perceptualHash: UInt64
    /// SHA-256 of the decoded pixels (after rotation and colour conversion, at the preview's size)
    /// with their dimensions: two files with the same digest show the same picture, whatever
    /// their container, encoder settings or metadata.
    public let pixelDigest: [UInt8]
    public let blurHash: String
    /// Standard deviation of the 32×32 greyscale (0–255 scale): near 0 for a black or uniform
    /// frame, which is not worth showing or embedding.
    public let contrast: Double
}

public struct EncodedImage: Sendable, Equatable {
    public let bytes: [UInt8]
    public let width: Int
    public let height: Int
    public let mediaType: String
}

/// 8-bit sRGB pixels, three bytes each, row by row.
public struct RGBPixels: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let bytes: [UInt8]

    public init(width: Int, height: Int, bytes: [UInt8]) {
        precondition(bytes.count == width * height * 3, "RGB pixels need width × height × 3 bytes")
        self.width = width
        self.height = height
        self.bytes = bytes
    }
}

/// Refusals made from the header, before any pixel is decoded.
public struct ImageLimits: Sendable, Equatable {
    /// Width × height of one frame; 100 MP by default (a 50,000 × 50,000 PNG header declares 2,500 MP).
    public var maximumPixels: Int
    /// Frames of an animation or pages of a TIFF.
    public var maximumFrames: Int

    public init(maximumPixels: Int = 100_000_000, maximumFrames: Int = 1_000) {
        self.maximumPixels = maximumPixels
        self.maximumFrames = maximumFrames
    }
}
