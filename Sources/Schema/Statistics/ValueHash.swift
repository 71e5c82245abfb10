/// A fast 64-bit hash of bytes (in the style of wyhash: multiply-fold of 16-byte blocks, then a
/// SplitMix64 finaliser so every output bit depends on every input bit, which HyperLogLog
/// needs). Swift's `Hasher` is randomly seeded per process and so cannot feed sketches that are
/// stored and merged later.
///
/// Its output is part of the stored statistics (sketch registers): changing it makes old and
/// new sketches count the same value twice, so it must not change without a format version.
enum ValueHash {
    private static let prime0: UInt64 = 0xa076_1d64_78bd_642f
    private static let prime1: UInt64 = 0xe703_7ed1_a0b4_28db
    private static let prime2: UInt64 = 0x8ebc_6af0_9c88_c6e3
    private static let prime3: UInt64 = 0x5899_65cc_7537_4cc3

    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let count = bytes.count
        var state = seed ^ prime0 ^ (UInt64(truncatingIfNeeded: count) &* prime1)
        guard let base = bytes.baseAddress else { return finalise(state) }
        var offset = 0
        while count - offset >= 16 {
            let first = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let second = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            state = fold(first ^ prime1, second ^ state)
            offset += 16
        }
        var first: UInt64 = 0
        if count - offset >= 8 {
            first = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < count {
            tail |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) << shift
            shift += 8
            offset += 1
        }
        state = fold(first ^ prime2, tail ^ state ^ prime3)
        return finalise(state)
    }

    /// Mixes in a scalar's kind, so that the string `"1"` and the number `1` count as two values.
    static func seed(for kind: ValueKind) -> UInt64 { UInt64(kind.ordinal + 1) &* 0x9E37_79B9_7F4A_7C15 }

    private static func fold(_ left: UInt64, _ right: UInt64) -> UInt64 {
        let product = left.multipliedFullWidth(by: right)
        return product.high ^ product.low
    }

    private static func finalise(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
        return mixed ^ (mixed >> 31)
    }
}

extension ValueKind {
    /// A dense index for per-kind counters kept in fixed arrays.
    var ordinal: Int {
        switch self {
        case .null: 0
        case .bool: 1
        case .integer: 2
        case .bigInteger: 3
        case .float: 4
        case .hugeNumber: 5
        case .string: 6
        case .array: 7
        case .object: 8
        }
    }
}

extension StringFormat {
    /// A dense index for per-format counters kept in fixed arrays.
    var ordinal: Int {
        switch self {
        case .dateTime: 0
        case .date: 1
        case .uuid: 2
        case .email: 3
        case .uri: 4
        case .integerString: 5
        }
    }
}
