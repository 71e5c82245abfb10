/// GPT-2/CLIP `bytes_to_unicode`: every byte gets a printable character so BPE never sees whitespace
/// or control characters, and the vocabulary stays plain text.
enum ByteLevelAlphabet {
    static let endOfWord = "</w>"

    /// Printable Latin-1 bytes stand for themselves.
    private static let printableBytes = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)

    /// The other 68 bytes are shifted to U+0100… in byte order.
    private static let shiftedBytes: [Int] = {
        let printable = Set(printableBytes)
        return (0...0xFF).filter { !printable.contains($0) }
    }()

    /// Bytes in `bytes_to_unicode()` dictionary order. OpenAI's vocabulary lists the byte symbols in
    /// exactly this order, so ids 0…255 (and 256…511 with `</w>`) depend on it.
    static let orderedBytes: [UInt8] = (printableBytes + shiftedBytes).map(UInt8.init)

    /// `characterForByte[b]` is the symbol standing for byte `b`.
    static let characterForByte: [Character] = {
        var characters = [Character](repeating: " ", count: 256)
        for byte in printableBytes {
            characters[byte] = Character(Unicode.Scalar(UInt8(byte)))
        }
        for (offset, byte) in shiftedBytes.enumerated() {
            characters[byte] = Character(Unicode.Scalar(UInt32(0x100 + offset))!)
        }
        return characters
    }()

    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(bytes.map { characterForByte[Int($0)] })
    }
}
