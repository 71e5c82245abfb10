import Imaging

/// The media stage's limits and tools, from the one configuration of the process.
public struct MediaSettings: Sendable {
    /// Pixel and frame limits checked from the header, before decoding.
    public var limits: ImageLimits
    /// An image file larger than this is refused rather than read into memory (`MAX_IMAGE_BYTES`).
    public var maximumImageBytes: Int
    public var tools: MediaTools

    public init(
        limits: ImageLimits = ImageLimits(), maximumImageBytes: Int = 256 << 20, tools: MediaTools = MediaTools()
    ) {
        self.limits = limits
        self.maximumImageBytes = maximumImageBytes
        self.tools = tools
    }
}
