import NIOCore

extension MultipartParser {
    /// Reads what follows `CRLF--boundary`: `--` closes the body; optional spaces or tabs and
    /// CRLF open the next part. Anything else is refused rather than read as body data, so this
    /// parser and any other on the path cannot disagree about where a part ends.
    mutating func consumeDelimiterTail(_ chunk: inout ByteBuffer, tail: DelimiterTail) throws(MultipartError) {
        var tail = tail
        while let byte = chunk.readInteger(as: UInt8.self) {
            switch (tail, byte) {
            case (.start, UInt8(ascii: "-")):
                tail = .sawDash
            case (.sawDash, UInt8(ascii: "-")):
                state = .epilogue
                chunk.moveReaderIndex(to: chunk.writerIndex)
                return
            case (.start, UInt8(ascii: " ")), (.start, UInt8(ascii: "\t")),
                (.padding, UInt8(ascii: " ")), (.padding, UInt8(ascii: "\t")):
                tail = .padding
            case (.start, UInt8(ascii: "\r")), (.padding, UInt8(ascii: "\r")):
                tail = .sawCarriageReturn
            case (.sawCarriageReturn, UInt8(ascii: "\n")):
                try startPart()
                return
            default:
                throw .malformedDelimiter(part: partCount)
            }
        }
        state = .delimiterTail(tail)
    }

    private mutating func startPart() throws(MultipartError) {
        guard partCount < limits.maxParts else { throw .tooManyParts(limit: limits.maxParts) }
        partCount += 1
        headerBytes.removeAll(keepingCapacity: true)
        headerBytes.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")])
        state = .headers
    }

    /// Collects the header block up to the blank line; returns the parsed headers once it is
    /// complete, nil when more bytes are needed. Throws past the size limit, so a client cannot
    /// make the parser hold an unbounded header.
    mutating func consumeHeaders(_ chunk: inout ByteBuffer) throws(MultipartError) -> MultipartPartHeaders? {
        // `headerBytes` holds a synthetic leading CRLF that does not count towards the limit.
        let limit = limits.maxHeaderBlockBytes + 2
        let (consumed, terminated) = chunk.withUnsafeReadableBytes { bytes in
            var consumed = 0
            while consumed < bytes.count && headerBytes.count < limit {
                headerBytes.append(bytes[consumed])
                consumed += 1
                if headerBytes.count >= 4 && headerBytes.suffix(4).elementsEqual([13, 10, 13, 10]) {
                    return (consumed, true)
                }
            }
            return (consumed, false)
        }
        chunk.moveReaderIndex(forwardBy: consumed)
        if terminated {
            let block = headerBytes[2..<max(2, headerBytes.count - 4)]
            return try MultipartPartHeaders.parse(block: block, part: partCount, maxCount: limits.maxHeaderCount)
        }
        if headerBytes.count >= limit {
            throw .headerBlockTooLarge(part: partCount, limit: limits.maxHeaderBlockBytes)
        }
        return nil
    }
}
