import Foundation

extension UnsafeBufferPointer<UInt8> {
    /// `memchr` over `range`. The loaders search once per line or string of files with ~50,000 of
    /// each, and the C routine stays fast in unoptimised builds where a Swift byte loop does not.
    func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        guard !range.isEmpty, let base = baseAddress,
            let found = memchr(base + range.lowerBound, Int32(byte), range.count)
        else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
