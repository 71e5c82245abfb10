extension MultipartParser {
    /// Bounds on what a client can make the parser hold or do. Body bytes are never held, so
    /// only headers and the number of parts need limits.
    public struct Limits: Sendable, Hashable {
        /// Bytes of one part's header block, including its terminating blank line.
        public var maxHeaderBlockBytes: Int
        /// Header lines in one part.
        public var maxHeaderCount: Int
        /// Parts in one body.
        public var maxParts: Int

        public init(maxHeaderBlockBytes: Int = 16 * 1024, maxHeaderCount: Int = 32, maxParts: Int = 10_000) {
            self.maxHeaderBlockBytes = maxHeaderBlockBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxParts = maxParts
        }
    }
}
