/// Why an image could not be made into renditions. Every case is a fact about the content or
/// the installation, said so that a person can act on it.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    /// Not an image this libvips can read, or its bytes are damaged.
    case undecodable(String)
    /// The header promises more pixels or frames than the limits allow: refused before decoding.
    case tooLarge(String)
    case unavailable(String)

    public var description: String {
        switch self {
        case .undecodable(let reason): "the image cannot be decoded: \(reason)"
        case .tooLarge(let reason): reason
        case .unavailable(let reason): reason
        }
    }
}
