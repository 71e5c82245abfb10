import Hummingbird

/// One `Range: bytes=…` request (RFC 9110): `a-b`, `a-`, or the suffix `-n`. Several ranges in
/// one header are answered with the whole body, which the RFC allows.
enum ByteRange {
    static func parse(_ header: String?, size: Int64) throws -> Range<Int64>? {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst("bytes=".count).split(separator: "-", omittingEmptySubsequences: false)
        guard spec.count == 2 else { return nil }
        let start: Int64
        let end: Int64
        switch (Int64(spec[0]), Int64(spec[1])) {
        case (let first?, let last?) where first <= last: (start, end) = (first, min(last, size - 1))
        case (let first?, nil) where spec[1].isEmpty: (start, end) = (first, size - 1)
        case (nil, let suffix?) where spec[0].isEmpty && suffix > 0: (start, end) = (max(size - suffix, 0), size - 1)
        default: return nil
        }
        guard start < size, start <= end else {
            throw APIError(.rangeNotSatisfiable, code: "range_not_satisfiable", "the object has \(size) bytes")
        }
        return start..<(end + 1)
    }
}
