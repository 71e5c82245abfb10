import Schema

/// The base of a collection's table names: the collection's name through the one sanitiser,
/// short enough that `<base>__jsonb` and `<base>_<n>` stay within PostgreSQL's 63 bytes.
enum TableNames {
    static let maximumBaseBytes = 48

    static func base(for collectionName: String) -> String {
        let base = IdentifierSanitiser.base(collectionName)
        guard base.utf8.count > maximumBaseBytes else { return base }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in collectionName.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        let suffix = String(repeating: "0", count: 16 - hex.count) + hex
        return String(base.utf8.prefix(maximumBaseBytes - 9))! + "_" + suffix.prefix(8)
    }
}
