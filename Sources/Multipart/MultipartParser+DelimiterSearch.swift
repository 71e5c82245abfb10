import NIOCore

extension MultipartParser {
    /// Consumes `chunk` up to and including the next `CRLF--boundary`, emitting the bytes before
    /// it as body when `keepingBody`. Returns false when the chunk ran out first; a tail that may
    /// start a delimiter is then withheld in `carry` for the next chunk.
    ///
    /// The delimiter contains CR only at its first byte (RFC 2046 boundaries cannot contain CR),
    /// so a failed match can resume right after the CR it started at: the search is linear.
    mutating func consumeUntilDelimiter(
        _ chunk: inout ByteBuffer, keepingBody: Bool, events: inout [MultipartEvent]
    ) -> Bool {
        if !carry.isEmpty {
            let needed = delimiter.count - carry.count
            let available = min(needed, chunk.readableBytes)
            let matched = chunk.withUnsafeReadableBytes { bytes in
                (0..<available).allSatisfy { bytes[$0] == delimiter[carry.count + $0] }
            }
            if matched && available == needed {
                chunk.moveReaderIndex(forwardBy: needed)
                carry.removeAll(keepingCapacity: true)
                return true
            }
            if matched {
                carry.append(contentsOf: chunk.readBytes(length: available)!)
                return false
            }
            // No delimiter can start inside the carry past its first byte (see above), so it is all body.
            if keepingBody { events.append(.bodyChunk(ByteBuffer(bytes: carry))) }
            carry.removeAll(keepingCapacity: true)
        }

        let search = chunk.withUnsafeReadableBytes { bytes in findDelimiter(in: bytes) }
        let bodyLength: Int
        switch search {
        case .found(let offset):
            bodyLength = offset
        case .partial(let offset):
            bodyLength = offset
        case .none:
            bodyLength = chunk.readableBytes
        }
        if bodyLength > 0 {
            let body = chunk.readSlice(length: bodyLength)!
            if keepingBody { events.append(.bodyChunk(body)) }
        }
        switch search {
        case .found:
            chunk.moveReaderIndex(forwardBy: delimiter.count)
            return true
        case .partial:
            carry.append(contentsOf: chunk.readBytes(length: chunk.readableBytes)!)
            return false
        case .none:
            return false
        }
    }

    enum DelimiterSearch {
        /// A whole delimiter starts at this offset.
        case found(Int)
        /// The bytes from this offset to the end are a proper prefix of the delimiter.
        case partial(Int)
        case none
    }

    func findDelimiter(in bytes: UnsafeRawBufferPointer) -> DelimiterSearch {
        delimiter.withUnsafeBufferPointer { delimiter in
            var position = 0
            while let candidate = Self.firstCarriageReturn(in: bytes, from: position) {
                let available = min(delimiter.count, bytes.count - candidate)
                var matched = 1
                while matched < available && bytes[candidate + matched] == delimiter[matched] { matched += 1 }
                if matched == delimiter.count { return .found(candidate) }
                if matched == available { return .partial(candidate) }
                position = candidate + 1
            }
            return .none
        }
    }

    /// The offset of the first CR at or after `start`, eight bytes at a time: a plain byte loop
    /// would cap throughput well below what the disk behind the upload can take.
    @inline(__always)
    static func firstCarriageReturn(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let carriageReturns: UInt64 = 0x0D0D_0D0D_0D0D_0D0D
        var index = start
        while index + 8 <= bytes.count {
            let word =
                UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ carriageReturns
            // Classic "has a zero byte" test; the lowest flagged byte is always a true match.
            let zeroBytes = (word &- ones) & ~word & highBits
            if zeroBytes != 0 { return index + zeroBytes.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < bytes.count {
            if bytes[index] == 0x0D { return index }
            index += 1
        }
        return nil
    }
}
