/// A single-byte codec that UTF-8 may have been mis-decoded with. Reversing the mistake means encoding
/// the text back to bytes with that codec and decoding them as UTF-8.
struct SingleByteEncoding: Sendable {
    let name: String
    /// ftfy's "sloppy" codecs decode every byte (undefined ones as Latin-1) and let 0x1A stand for
    /// U+FFFD, so text that passed through them can always be encoded back.
    let isSloppy: Bool
    /// What bytes 0x80…0xFF decode to.
    let highCharacters: [Unicode.Scalar]
    private let bytesForHighCharacters: [Unicode.Scalar: UInt8]

    /// ftfy's `CHARMAP_ENCODINGS`, in the order it tries them: the first that re-encodes the text into
    /// valid UTF-8 wins, so the order decides ambiguous cases.
    static let all: [SingleByteEncoding] = [
        "latin-1", "sloppy-windows-1252", "sloppy-windows-1251", "sloppy-windows-1250", "sloppy-windows-1253",
        "sloppy-windows-1254", "sloppy-windows-1257", "iso-8859-2", "macroman", "cp437",
    ].map(SingleByteEncoding.init(name:))

    private init(name: String) {
        self.name = name
        self.isSloppy = name.hasPrefix("sloppy-")
        let highCharacters: [Unicode.Scalar]
        if let table = Self.highHalfTables[name] {
            highCharacters = table.split(whereSeparator: \.isWhitespace).map {
                Unicode.Scalar(UInt32($0, radix: 16)!)!
            }
        } else {
            highCharacters = (0x80...0xFF).map { Unicode.Scalar(UInt8($0)) }  // Latin-1
        }
        precondition(highCharacters.count == 128, "\(name) must map all 128 high bytes")
        self.highCharacters = highCharacters
        self.bytesForHighCharacters = Dictionary(
            uniqueKeysWithValues: highCharacters.enumerated().map { ($0.element, UInt8(0x80 + $0.offset)) })
    }

    /// The bytes this text would have been decoded from, or nil when some character has no byte.
    func encode(_ text: [Unicode.Scalar]) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        for scalar in text {
            guard let byte = byte(for: scalar) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    private func byte(for scalar: Unicode.Scalar) -> UInt8? {
        if scalar.value < 0x80 {
            return isSloppy && scalar.value == 0x1A ? nil : UInt8(scalar.value)
        }
        if isSloppy && scalar == "\u{FFFD}" { return 0x1A }
        return bytesForHighCharacters[scalar]
    }

    /// Sloppy Windows-1252 decoding of one byte; ftfy's `fix_c1_controls` applies it to C1 characters.
    static func windows1252Scalar(for byte: UInt8) -> Unicode.Scalar {
        byte < 0x80 ? Unicode.Scalar(byte) : windows1252HighCharacters[Int(byte) - 0x80]
    }

    private static let windows1252HighCharacters = all.first { $0.name == "sloppy-windows-1252" }!.highCharacters
}
