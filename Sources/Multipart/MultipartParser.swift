import NIOCore

/// A push parser for multipart/form-data bodies (RFC 7578 / RFC 2046).
///
/// Feed it the request body chunk by chunk as it arrives; it returns events and never holds
/// body bytes beyond the few that might start a delimiter, so a 2 GiB upload streams to disk
/// in constant memory. Call `finish()` at the end of the body: it throws when the closing
/// delimiter never came, so a truncated upload is never taken for a complete one.
///
/// After an error every later call throws the same error.
///
/// ```swift
/// var parser = MultipartParser(boundary: try MultipartBoundary(contentType: contentTypeHeader))
/// for try await chunk in request.body {
///     for event in try parser.feed(chunk) { … }  // .partHeaders, .bodyChunk…, .partEnd
/// }
/// _ = try parser.finish()
/// ```
public struct MultipartParser: Sendable {
    enum State: Sendable {
        /// Before the first delimiter; bytes are discarded.
        case preamble
        /// Just after `CRLF--boundary`: expecting `--` or transport padding and CRLF.
        case delimiterTail(DelimiterTail)
        case headers
        case body
        /// After the closing delimiter; bytes are discarded.
        case epilogue
        case failed(MultipartError)
    }

    enum DelimiterTail: Sendable {
        case start, sawDash, padding, sawCarriageReturn
    }

    public let boundary: MultipartBoundary
    public let limits: Limits
    /// Parts whose headers have been seen so far.
    public internal(set) var partCount = 0

    let delimiter: [UInt8]
    var state = State.preamble
    /// Withheld bytes that are a proper prefix of `delimiter`, pending the next chunk. It starts
    /// as CRLF so that a body beginning directly with `--boundary` needs no special case.
    var carry: [UInt8] = Array("\r\n".utf8)
    /// The header block being collected, prefixed with CRLF so that an empty block is found by
    /// the same CRLF CRLF search.
    var headerBytes: [UInt8] = []

    public init(boundary: MultipartBoundary, limits: Limits = Limits()) {
        self.boundary = boundary
        self.limits = limits
        self.delimiter = boundary.delimiter
    }

    /// True once the closing `--boundary--` has been seen.
    public var isComplete: Bool {
        if case .epilogue = state { return true }
        return false
    }

    public mutating func feed(_ chunk: ByteBuffer) throws(MultipartError) -> [MultipartEvent] {
        if case .failed(let error) = state { throw error }
        var chunk = chunk
        var events: [MultipartEvent] = []
        do throws(MultipartError) {
            while chunk.readableBytes > 0 {
                try step(&chunk, events: &events)
            }
        } catch {
            state = .failed(error)
            throw error
        }
        return events
    }

    /// Signals the end of the body. Throws `.truncated` unless the closing delimiter was seen.
    public mutating func finish() throws(MultipartError) -> [MultipartEvent] {
        switch state {
        case .epilogue:
            return []
        case .failed(let error):
            throw error
        default:
            state = .failed(.truncated)
            throw .truncated
        }
    }

    /// Consumes bytes from the front of `chunk` for the current state, possibly changing it.
    private mutating func step(_ chunk: inout ByteBuffer, events: inout [MultipartEvent]) throws(MultipartError) {
        switch state {
        case .preamble:
            var discarded: [MultipartEvent] = []
            if consumeUntilDelimiter(&chunk, keepingBody: false, events: &discarded) { state = .delimiterTail(.start) }
        case .body:
            if consumeUntilDelimiter(&chunk, keepingBody: true, events: &events) {
                events.append(.partEnd)
                state = .delimiterTail(.start)
            }
        case .delimiterTail(let tail):
            try consumeDelimiterTail(&chunk, tail: tail)
        case .headers:
            if let headers = try consumeHeaders(&chunk) {
                events.append(.partHeaders(headers))
                state = .body
            }
        case .epilogue:
            chunk.moveReaderIndex(to: chunk.writerIndex)
        case .failed(let error):
            throw error
        }
    }
}
