/// A storage key. Keys are made by the service, never taken from a client: the initialiser
/// rejects anything that could escape the store's root (`..`, absolute paths, odd characters).
public struct BlobKey: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ rawValue: String) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_./")
        let segments = rawValue.split(separator: "/", omittingEmptySubsequences: false)
        guard !rawValue.isEmpty, rawValue.count <= 512, rawValue.allSatisfy(allowed.contains),
            segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." })
        else { return nil }
        self.rawValue = rawValue
    }

    /// Raw inputs are content addressed: `raw/ab/cd/abcd…` for a SHA-256 in lowercase hex.
    public static func raw(sha256 hex: String) -> BlobKey {
        precondition(hex.count == 64 && hex.allSatisfy(\.isHexDigit), "not a SHA-256: \(hex)")
        let lower = hex.lowercased()
        return BlobKey("raw/\(lower.prefix(2))/\(lower.dropFirst(2).prefix(2))/\(lower)")!
    }

    /// Small documents kept in the catalog, in the ingest's own commit: `inline/abcd…`.
    public static func inline(sha256 hex: String) -> BlobKey {
        precondition(hex.count == 64 && hex.allSatisfy(\.isHexDigit), "not a SHA-256: \(hex)")
        return BlobKey("inline/\(hex.lowercased())")!
    }

    /// The SHA-256 of an `inline/` key; nil for a key of the blob store.
    public var inlineSHA256: String? {
        guard rawValue.hasPrefix("inline/") else { return nil }
        let hex = rawValue.dropFirst("inline/".count)
        return hex.count == 64 && hex.allSatisfy(\.isHexDigit) ? String(hex) : nil
    }

    /// The SHA-256 a `raw/` key is the address of; nil for other keys (derived files, the folder view).
    public var contentAddress: String? {
        guard rawValue.hasPrefix("raw/"), let name = rawValue.split(separator: "/").last,
            name.count == 64, name.allSatisfy(\.isHexDigit)
        else { return nil }
        return String(name)
    }

    public var description: String { rawValue }
}
