/// The boundary of a multipart body, validated against RFC 2046 so that the delimiter search can
/// rely on it: 1–70 characters from a small set that never contains CR or LF.
public struct MultipartBoundary: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public var description: String { value }

    /// The bytes that introduce every delimiter line: CRLF, "--", then the boundary.
    var delimiter: [UInt8] { Array("\r\n--".utf8) + Array(value.utf8) }

    public init(_ value: String) throws(MultipartError) {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty else { throw .invalidBoundary(reason: "it is empty") }
        guard bytes.count <= 70 else { throw .invalidBoundary(reason: "it is longer than 70 characters") }
        guard bytes.allSatisfy(Self.isBoundaryCharacter) else {
            throw .invalidBoundary(reason: "it contains a character RFC 2046 does not allow")
        }
        guard bytes.last != UInt8(ascii: " ") else { throw .invalidBoundary(reason: "it ends with a space") }
        self.value = value
    }

    /// Reads the boundary of a `Content-Type: multipart/form-data; boundary=…` header value.
    public init(contentType: String) throws(MultipartError) {
        guard let parsed = HeaderValueParameters(parsing: contentType) else { throw .malformedContentType }
        guard parsed.value.lowercased() == "multipart/form-data" else { throw .notMultipartFormData }
        let boundaries = parsed.parameters.filter { $0.name == "boundary" }
        // Two boundaries would let two parsers on the path disagree about where parts end.
        guard boundaries.count <= 1 else { throw .duplicateBoundary }
        guard let boundary = boundaries.first else { throw .missingBoundary }
        try self.init(boundary.value)
    }

    /// RFC 2046 `bchars`: DIGIT / ALPHA / "'()+_,-./:=?" and space.
    static func isBoundaryCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            true
        default:
            Array("'()+_,-./:=? ".utf8).contains(byte)
        }
    }
}
