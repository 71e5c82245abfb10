/// The working form of `PathStatistics`: the same figures, with per-kind and per-format counts
/// in fixed inline arrays instead of dictionaries, because they are bumped for every value of
/// every document. `PathStatistics` is produced from it on demand, and back, losslessly.
struct PathAccumulator: Sendable {
    var present = 0
    var kindCounts = InlineArray<9, Int>(repeating: 0)
    var distinct = HyperLogLog()
    var minimumNumber: Double?
    var maximumNumber: Double?
    var minimumLength: Int?
    var maximumLength: Int?
    var totalLength = 0
    var formatCounts = InlineArray<6, Int>(repeating: 0)
    var minimumElements: Int?
    var maximumElements: Int?
    var totalElements = 0
    var totalMembers = 0
    var dataLikeKeys = 0
    var distinctKeys = HyperLogLog()
    var isMap = false

    init() {}

    var objectCount: Int { kindCounts[ValueKind.object.ordinal] }

    /// Nothing was ever recorded (a node that only exists to hold its children).
    var isPristine: Bool {
        guard present == 0 else { return false }
        for ordinal in 0..<9 where kindCounts[ordinal] != 0 { return false }
        return true
    }

    // MARK: recording values

    mutating func recordNull() { kindCounts[ValueKind.null.ordinal] += 1 }

    mutating func recordBool(_ value: Bool) {
        kindCounts[ValueKind.bool.ordinal] += 1
        distinct.add(hash: value ? Self.trueHash : Self.falseHash)
    }

    private static let trueHash = (StaticString("true")).withStaticBytes {
        ValueHash.hash($0, seed: ValueHash.seed(for: .bool))
    }
    private static let falseHash = (StaticString("false")).withStaticBytes {
        ValueHash.hash($0, seed: ValueHash.seed(for: .bool))
    }

    mutating func recordNumber(_ number: JSONNumber) {
        kindCounts[number.kind.ordinal] += 1
        var text = number.text
        let value = text.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            distinct.add(hash: ValueHash.hash(bytes, seed: ValueHash.seed(for: number.kind)))
            return NumberClassification.doubleValue(ofValidNumber: bytes, kind: number.kind)
        }
        include(number: value)
    }

    mutating func include(number value: Double) {
        if let minimum = minimumNumber, minimum <= value {} else { minimumNumber = value }
        if let maximum = maximumNumber, maximum >= value {} else { maximumNumber = value }
    }

    mutating func recordString(_ string: String) {
        kindCounts[ValueKind.string.ordinal] += 1
        var string = string
        string.withUTF8 { utf8 in
            distinct.add(hash: ValueHash.hash(UnsafeRawBufferPointer(utf8), seed: Self.stringSeed))
            // Unicode scalars are the bytes that do not continue a UTF-8 sequence.
            var length = 0
            for byte in utf8 where byte & 0xC0 != 0x80 { length += 1 }
            include(length: length)
            if let format = StringFormat.detect(utf8: utf8) { formatCounts[format.ordinal] += 1 }
        }
    }

    private static let stringSeed = ValueHash.seed(for: .string)

    mutating func include(length: Int) {
        totalLength += length
        if let minimum = minimumLength, minimum <= length {} else { minimumLength = length }
        if let maximum = maximumLength, maximum >= length {} else { maximumLength = length }
    }

    mutating func recordArray(count: Int) {
        kindCounts[ValueKind.array.ordinal] += 1
        totalElements += count
        if let minimum = minimumElements, minimum <= count {} else { minimumElements = count }
        if let maximum = maximumElements, maximum >= count {} else { maximumElements = count }
    }

    mutating func recordObject(memberCount: Int) {
        kindCounts[ValueKind.object.ordinal] += 1
        totalMembers += memberCount
    }

    mutating func recordKey(hash: UInt64, isDataLike: Bool) {
        distinctKeys.add(hash: hash)
        if isDataLike { dataLikeKeys += 1 }
    }

    // MARK: merging

    /// Exact: counts add, sketches take register maxima, extremes combine; a map stays a map.
    mutating func merge(_ other: PathAccumulator) {
        present += other.present
        for ordinal in 0..<9 { kindCounts[ordinal] += other.kindCounts[ordinal] }
        distinct.merge(other.distinct)
        if let value = other.minimumNumber { include(number: value) }
        if let value = other.maximumNumber { include(number: value) }
        if let value = other.minimumLength, minimumLength.map({ value < $0 }) ?? true { minimumLength = value }
        if let value = other.maximumLength, maximumLength.map({ value > $0 }) ?? true { maximumLength = value }
        totalLength += other.totalLength
        for ordinal in 0..<6 { formatCounts[ordinal] += other.formatCounts[ordinal] }
        if let value = other.minimumElements, minimumElements.map({ value < $0 }) ?? true { minimumElements = value }
        if let value = other.maximumElements, maximumElements.map({ value > $0 }) ?? true { maximumElements = value }
        totalElements += other.totalElements
        totalMembers += other.totalMembers
        dataLikeKeys += other.dataLikeKeys
        distinctKeys.merge(other.distinctKeys)
        isMap = isMap || other.isMap
    }
}

extension StaticString {
    func withStaticBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        body(UnsafeRawBufferPointer(start: utf8Start, count: utf8CodeUnitCount))
    }
}
