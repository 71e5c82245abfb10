import NIOCore

/// What the parser found in the bytes fed to it, in body order. For each part: one
/// `.partHeaders`, zero or more `.bodyChunk`s, then `.partEnd`.
public enum MultipartEvent: Sendable, Equatable {
    case partHeaders(MultipartPartHeaders)
    /// Bytes of the current part's body. Never contains any byte of a delimiter; often a
    /// zero-copy slice of the chunk that was fed.
    case bodyChunk(ByteBuffer)
    case partEnd
}
