/// FNV-1a over UTF-8 bytes: the same 64 bits on every run and machine (Swift's `Hasher` is
/// seeded per process, so names made from it would change between runs).
enum StableHash {
    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Eight lowercase hex digits: both halves folded together, zero-padded.
    static func hex8(_ text: String) -> String {
        let hash = fnv1a64(text)
        let folded = UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
        let digits = String(folded, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
