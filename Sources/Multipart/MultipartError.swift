/// Why a multipart/form-data request was refused.
///
/// Messages never echo client bytes back: they are shown to the client and written to logs,
/// and an attacker controls every byte of the request.
public enum MultipartError: Error, Sendable, Equatable, CustomStringConvertible {
    case notMultipartFormData
    case malformedContentType
    case missingBoundary
    case duplicateBoundary
    case invalidBoundary(reason: String)
    case malformedDelimiter(part: Int)
    case headerBlockTooLarge(part: Int, limit: Int)
    case tooManyHeaders(part: Int, limit: Int)
    case malformedHeader(part: Int, reason: String)
    case missingContentDisposition(part: Int)
    case notFormData(part: Int)
    case missingName(part: Int)
    case tooManyParts(limit: Int)
    case truncated

    public var description: String {
        switch self {
        case .notMultipartFormData:
            "Content-Type is not multipart/form-data"
        case .malformedContentType:
            "Content-Type header is malformed"
        case .missingBoundary:
            "Content-Type has no boundary parameter"
        case .duplicateBoundary:
            "Content-Type has more than one boundary parameter"
        case .invalidBoundary(let reason):
            "boundary is invalid: \(reason)"
        case .malformedDelimiter(let part):
            part == 0 ? "the first boundary line is malformed" : "the boundary line after part \(part) is malformed"
        case .headerBlockTooLarge(let part, let limit):
            "part \(part) has headers larger than \(limit) bytes"
        case .tooManyHeaders(let part, let limit):
            "part \(part) has more than \(limit) headers"
        case .malformedHeader(let part, let reason):
            "part \(part) has a malformed header: \(reason)"
        case .missingContentDisposition(let part):
            "part \(part) has no Content-Disposition header"
        case .notFormData(let part):
            "part \(part) has a Content-Disposition other than form-data"
        case .missingName(let part):
            "part \(part) has no Content-Disposition name"
        case .tooManyParts(let limit):
            "the body has more than \(limit) parts"
        case .truncated:
            "body ended before the closing boundary"
        }
    }
}
