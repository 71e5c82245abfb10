/// NoBench-style documents (Chasseur et al., "Enabling JSON Document Stores in Relational
/// Systems"), generated deterministically so that every run measures the same bytes.
struct NoBenchDocuments {
    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(state: seed) }

    mutating func next() -> [UInt8] {
        var json = "{"
        json += "\"str1\":\"\(randomString(length: 12))\",\"str2\":\"\(randomString(length: 16))\""
        json += ",\"num\":\(random.next(below: 1_000_000_000))"
        json += ",\"bool\":\(random.next(below: 2) == 0 ? "true" : "false")"
        json += ",\"thousandth\":\(random.next(below: 1000))"
        json +=
            random.next(below: 100) < 95
            ? ",\"dyn1\":\(random.next(below: 100_000))" : ",\"dyn1\":\"\(randomString(length: 8))\""
        switch random.next(below: 3) {
        case 0: json += ",\"dyn2\":\(random.next(below: 100_000))"
        case 1: json += ",\"dyn2\":\"\(randomString(length: 8))\""
        default: json += ",\"dyn2\":\(random.next(below: 2) == 0)"
        }
        json += ",\"nested_obj\":{\"str\":\"\(randomString(length: 10))\",\"num\":\(random.next(below: 10_000))}"
        json += ",\"nested_arr\":["
        for index in 0..<random.next(below: 8) {
            json += (index > 0 ? "," : "") + "\"\(randomString(length: 6))\""
        }
        json += "]"
        // Ten consecutive sparse keys out of a thousand, as NoBench clusters them.
        let first = random.next(below: 100) * 10
        for key in first..<(first + 10) {
            json += ",\"sparse_\(threeDigits(key))\":\"\(randomString(length: 10))\""
        }
        json += "}"
        return Array(json.utf8)
    }

    private mutating func randomString(length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        for _ in 0..<length { bytes.append(alphabet[random.next(below: alphabet.count)]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func threeDigits(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: 3 - text.count) + text
    }
}

struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
