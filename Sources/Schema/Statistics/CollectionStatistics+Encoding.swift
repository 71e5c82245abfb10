/// Why stored statistics could not be read back.
public struct StatisticsDecodingError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { "invalid stored statistics: \(reason)" }
}

extension CollectionStatistics {
    /// The version of `encoded()`'s layout (and of the value hash behind the sketches).
    static let encodingFormat = 1

    /// JSON text for a `jsonb` column: `{"format":1,"documentCount":…,"paths":[{"path":[…],…}]}`.
    /// Paths are arrays because keys are arbitrary strings, in sorted order; sketches are base64 registers
    /// (empty when nothing was added); figures at their default (zero, absent) are left out.
    public func encoded() -> [UInt8] {
        // Sorted by path, so that equal statistics encode to equal bytes whatever order their
        // paths were first seen in (a merge and a single pass store the same text).
        var entries: [(path: [String], node: JSONNode)] = []
        trie.forEachPath { path, node in
            guard !node.accumulator.isPristine else { return }
            entries.append((path, Self.encode(path: path, node.accumulator.statistics)))
        }
        entries.sort { $0.path.lexicographicallyPrecedes($1.path) }
        let root = JSONNode.object([
            JSONMember("format", .integer(Self.encodingFormat)),
            JSONMember("documentCount", .integer(documentCount)),
            JSONMember("paths", .array(entries.map(\.node))),
        ])
        var output: [UInt8] = []
        root.write(to: &output)
        return output
    }

    /// Reads what `encoded()` wrote; the result equals the statistics that were encoded.
    public init(decoding bytes: [UInt8]) throws {
        let root = try JSONParser.parse(bytes)
        guard case .number(let format)? = root[path: ["format"]], format.text == String(Self.encodingFormat) else {
            throw StatisticsDecodingError(reason: "unknown format")
        }
        guard case .array(let entries)? = root[path: ["paths"]] else {
            throw StatisticsDecodingError(reason: "no paths")
        }
        var paths: [[String]: PathStatistics] = [:]
        for entry in entries {
            let reader = EntryReader(entry: entry)
            paths[try reader.path()] = try reader.statistics()
        }
        self.init()
        documentCount = try EntryReader(entry: root).integer("documentCount") ?? 0
        trie = PathTrie(paths: paths)
    }

    private static func encode(path: [String], _ statistics: PathStatistics) -> JSONNode {
        var members = [JSONMember("path", .array(path.map { .string($0) }))]
        func add(_ key: String, _ value: Int?) {
            if let value, value != 0 { members.append(JSONMember(key, .integer(value))) }
        }
        func add(_ key: String, _ value: Double?) {
            if let value { members.append(JSONMember(key, .double(value))) }
        }
        func add(_ key: String, _ sketch: HyperLogLog) {
            if let text = SketchText.encode(sketch) { members.append(JSONMember(key, .string(text))) }
        }
        add("present", statistics.present)
        let kinds = ValueKind.allCases.compactMap { kind in
            statistics.kinds[kind].map { JSONMember(kind.rawValue, .integer($0)) }
        }
        if !kinds.isEmpty { members.append(JSONMember("kinds", .object(kinds))) }
        add("distinct", statistics.distinct)
        add("minimumNumber", statistics.minimumNumber)
        add("maximumNumber", statistics.maximumNumber)
        if let length = statistics.minimumLength { members.append(JSONMember("minimumLength", .integer(length))) }
        if let length = statistics.maximumLength { members.append(JSONMember("maximumLength", .integer(length))) }
        add("totalLength", statistics.totalLength)
        let formats = StringFormat.allCases.compactMap { format in
            statistics.formats[format].map { JSONMember(format.rawValue, .integer($0)) }
        }
        if !formats.isEmpty { members.append(JSONMember("formats", .object(formats))) }
        if let count = statistics.minimumElements { members.append(JSONMember("minimumElements", .integer(count))) }
        if let count = statistics.maximumElements { members.append(JSONMember("maximumElements", .integer(count))) }
        add("totalElements", statistics.totalElements)
        add("totalMembers", statistics.totalMembers)
        add("dataLikeKeys", statistics.dataLikeKeys)
        add("distinctKeys", statistics.distinctKeys)
        if statistics.isMap { members.append(JSONMember("isMap", .bool(true))) }
        return .object(members)
    }
}

extension JSONNode {
    static func integer(_ value: Int) -> JSONNode { .number(JSONNumber(text: String(value), kind: .integer)) }

    /// Finite values as their shortest round-trip text; infinities (from numbers like `1e400`)
    /// as strings, since JSON has no spelling for them.
    static func double(_ value: Double) -> JSONNode {
        guard value.isFinite else { return .string(value < 0 ? "-Infinity" : "Infinity") }
        return .number(JSONNumber(text: value.description, kind: .float))
    }
}

/// Reads one encoded path entry, refusing anything `encoded()` would not have written.
private struct EntryReader {
    let entry: JSONNode

    func path() throws -> [String] {
        guard case .array(let components)? = entry[path: ["path"]] else { throw invalid("path") }
        return try components.map { component in
            guard case .string(let key) = component else { throw invalid("path") }
            return key
        }
    }

    func statistics() throws -> PathStatistics {
        var statistics = PathStatistics()
        statistics.present = try integer("present") ?? 0
        if case .object(let kinds)? = entry[path: ["kinds"]] {
            for member in kinds {
                guard let kind = ValueKind(rawValue: member.key) else { throw invalid("kinds") }
                statistics.kinds[kind] = try Self.integer(member.value, "kinds")
            }
        }
        statistics.distinct = try sketch("distinct")
        statistics.minimumNumber = try double("minimumNumber")
        statistics.maximumNumber = try double("maximumNumber")
        statistics.minimumLength = try integer("minimumLength")
        statistics.maximumLength = try integer("maximumLength")
        statistics.totalLength = try integer("totalLength") ?? 0
        if case .object(let formats)? = entry[path: ["formats"]] {
            for member in formats {
                guard let format = StringFormat(rawValue: member.key) else { throw invalid("formats") }
                statistics.formats[format] = try Self.integer(member.value, "formats")
            }
        }
        statistics.minimumElements = try integer("minimumElements")
        statistics.maximumElements = try integer("maximumElements")
        statistics.totalElements = try integer("totalElements") ?? 0
        statistics.totalMembers = try integer("totalMembers") ?? 0
        statistics.dataLikeKeys = try integer("dataLikeKeys") ?? 0
        statistics.distinctKeys = try sketch("distinctKeys")
        statistics.isMap = entry[path: ["isMap"]] == .bool(true)
        return statistics
    }

    func integer(_ key: String) throws -> Int? {
        guard let value = entry[path: [key]] else { return nil }
        return try Self.integer(value, key)
    }

    private static func integer(_ value: JSONNode, _ key: String) throws -> Int {
        guard case .number(let number) = value, number.kind == .integer, let integer = Int(number.text) else {
            throw StatisticsDecodingError(reason: "\(key) is not an integer")
        }
        return integer
    }

    private func double(_ key: String) throws -> Double? {
        switch entry[path: [key]] {
        case nil: return nil
        case .number(let number)?:
            guard let value = Double(number.text) else { throw invalid(key) }
            return value
        case .string("Infinity")?: return .infinity
        case .string("-Infinity")?: return -.infinity
        default: throw invalid(key)
        }
    }

    private func sketch(_ key: String) throws -> HyperLogLog {
        guard let value = entry[path: [key]] else { return HyperLogLog() }
        guard case .string(let text) = value, let registers = SketchText.registers(text),
            (16...(1 << 18)).contains(registers.count),
            registers.count & (registers.count - 1) == 0
        else { throw invalid(key) }
        var sketch = HyperLogLog(precision: registers.count.trailingZeroBitCount)
        sketch.registers = registers
        return sketch
    }

    private func invalid(_ key: String) -> StatisticsDecodingError {
        StatisticsDecodingError(reason: "\(key) is not what was encoded")
    }
}

/// A sketch as text: its registers in base64, or, when few are set (a path seen a handful of
/// times, like each of a thousand sparse keys in one batch), only those, as `*<precision>:` and
/// the base64 of (index: 2 bytes, big-endian; rank: 1 byte) triples. A batch of a thousand
/// NoBench documents then stores tens of kilobytes of sketches instead of a megabyte and a half.
enum SketchText {
    static func encode(_ sketch: HyperLogLog) -> String? {
        let set = sketch.registers.indices.filter { sketch.registers[$0] != 0 }
        guard !set.isEmpty else { return nil }
        guard set.count * 3 < sketch.registers.count, sketch.registers.count <= 1 << 16 else {
            return Base64.encode(sketch.registers)
        }
        var triples: [UInt8] = []
        triples.reserveCapacity(set.count * 3)
        for index in set {
            triples += [UInt8(index >> 8), UInt8(index & 0xFF), sketch.registers[index]]
        }
        return "*\(sketch.registers.count.trailingZeroBitCount):" + Base64.encode(triples)
    }

    static func registers(_ text: String) -> [UInt8]? {
        guard text.hasPrefix("*") else { return Base64.decode(text) }
        let parts = text.dropFirst().split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let precision = Int(parts[0]), (4...16).contains(precision),
            let triples = Base64.decode(String(parts[1])), triples.count % 3 == 0
        else { return nil }
        var registers = [UInt8](repeating: 0, count: 1 << precision)
        for start in stride(from: 0, to: triples.count, by: 3) {
            let index = Int(triples[start]) << 8 | Int(triples[start + 1])
            guard index < registers.count else { return nil }
            registers[index] = triples[start + 2]
        }
        return registers
    }
}
