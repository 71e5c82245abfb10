/// Facts read cheaply from the first bytes of a media file, without decoding any pixels.
/// Every field but `format` is optional: a prefix may be truncated, or the fact may live later
/// in the file (an mp4 whose `moov` box is at the end has no duration here).
public struct MediaHeader: Sendable, Codable, Equatable {
    /// A short format name: jpeg, png, gif, webp, tiff, bmp, heic, avif, mp4, quicktime, webm,
    /// matroska, avi, json, or unknown.
    public var format: String
    /// Pixel size as stored, before applying `orientation`.
    public var width: Int?
    public var height: Int?
    /// EXIF orientation, 1–8. Values 5–8 mean the displayed image is `height` wide.
    public var orientation: Int?
    /// The ISO base media major brand (`isom`, `qt  `, `heic`…), as written.
    public var brand: String?
    public var durationSeconds: Double?

    public init(
        format: String, width: Int? = nil, height: Int? = nil, orientation: Int? = nil, brand: String? = nil,
        durationSeconds: Double? = nil
    ) {
        self.format = format
        self.width = width
        self.height = height
        self.orientation = orientation
        self.brand = brand
        self.durationSeconds = durationSeconds
    }

    /// The width a viewer shows once the EXIF orientation is applied.
    public var displayWidth: Int? { (orientation ?? 1) >= 5 ? height : width }
    /// The height a viewer shows once the EXIF orientation is applied.
    public var displayHeight: Int? { (orientation ?? 1) >= 5 ? width : height }

    /// Stores a size only when both sides are positive: zero or garbage is no size at all.
    mutating func setSize(width: some BinaryInteger, height: some BinaryInteger) {
        guard width > 0, height > 0, let width = Int(exactly: width), let height = Int(exactly: height) else { return }
        self.width = width
        self.height = height
    }

    mutating func setOrientation(_ value: some BinaryInteger) {
        if (1...8).contains(value) { orientation = Int(value) }
    }

    mutating func setDuration(_ seconds: Double) {
        if seconds.isFinite && seconds > 0 { durationSeconds = seconds }
    }
}
