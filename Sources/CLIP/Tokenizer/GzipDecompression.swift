import CZlib
import Foundation

/// gzip through zlib's `inflate`, enough for OpenAI's 1.3 MB vocabulary file.
enum GzipDecompression {
    static func decompress(_ data: Data, source: URL) throws(CLIPTokenizerError) -> Data {
        var input = [UInt8](data)
        guard !input.isEmpty else { throw .malformedGzip(source, reason: "the file is empty") }
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer rather than a raw zlib stream.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .malformedGzip(source, reason: "zlib could not be initialised")
        }
        defer { inflateEnd(&stream) }

        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let status: Int32 = input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            while true {
                let result: Int32 = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = uInt(chunkBuffer.count)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    output.append(chunkBuffer.baseAddress!, count: chunkBuffer.count - Int(stream.avail_out))
                    return result
                }
                switch result {
                case Z_OK:
                    continue
                case Z_STREAM_END where stream.avail_in > 0:
                    // `gzip.open` reads concatenated members as one file; so do we.
                    guard inflateReset(&stream) == Z_OK else { return Z_DATA_ERROR }
                case Z_BUF_ERROR where stream.avail_in == 0:
                    return Z_BUF_ERROR  // input ended inside the stream
                default:
                    return result
                }
            }
        }
        switch status {
        case Z_STREAM_END:
            return output
        case Z_BUF_ERROR:
            throw .malformedGzip(source, reason: "the file is truncated")
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw .malformedGzip(source, reason: "not a valid gzip file: \(message)")
        }
    }
}
