/// A storage key. Keys are made by the service, never taken from a client: the initialiser
/// rejects anything that could escape the store's root (`..`, absolute paths, odd characters).
public struct BlobKey: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ rawValue: String) {
        // Checked byte by byte: every allowed character is ASCII, and a key is made for every
        // document ingested, where comparing `Character`s (grapheme by grapheme) showed.
        let bytes = rawValue.utf8
        guard !bytes.isEmpty, bytes.count <= 512, bytes.allSatisfy(Self.isAllowed),
            bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).allSatisfy({
                !$0.isEmpty && !$0.elementsEqual(".".utf8) && !$0.elementsEqual("..".utf8)
            })
        else { return nil }
        self.rawValue = rawValue
    }

    /// `a`–`z`, `0`–`9`, `-`, `_`, `.` and `/`.
    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"): true
        default: false
        }
    }

    /// Raw inputs are content addressed: `raw/ab/cd/abcd…` for a SHA-256 in lowercase hex.
    public static func raw(sha256 hex: String) -> BlobKey {
        let lower = lowercaseSHA256(hex)
        return BlobKey("raw/\(lower.prefix(2))/\(lower.dropFirst(2).prefix(2))/\(lower)")!
    }

    /// Small documents kept in the catalog, in the ingest's own commit: `inline/abcd…`.
    public static func inline(sha256 hex: String) -> BlobKey {
        BlobKey("inline/\(lowercaseSHA256(hex))")!
    }

    private static func lowercaseSHA256(_ hex: String) -> String {
        precondition(hex.utf8.count == 64 && hex.utf8.allSatisfy(\.isHexDigit), "not a SHA-256: \(hex)")
        return hex.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") } ? hex.lowercased() : hex
    }

    /// The SHA-256 of an `inline/` key; nil for a key of the blob store.
    public var inlineSHA256: String? {
        guard rawValue.hasPrefix("inline/") else { return nil }
        let hex = rawValue.dropFirst("inline/".count)
        return hex.utf8.count == 64 && hex.utf8.allSatisfy(\.isHexDigit) ? String(hex) : nil
    }

    /// The SHA-256 a `raw/` key is the address of; nil for other keys (derived files, the folder view).
    public var contentAddress: String? {
        guard rawValue.hasPrefix("raw/"), let name = rawValue.split(separator: "/").last,
            name.utf8.count == 64, name.utf8.allSatisfy(\.isHexDigit)
        else { return nil }
        return String(name)
    }

    public var description: String { rawValue }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"):
            true
        default: false
        }
    }
}
