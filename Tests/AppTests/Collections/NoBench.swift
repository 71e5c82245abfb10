import Foundation

/// NoBench-style documents (Chasseur et al.), generated deterministically: stable fields,
/// `dyn1` integer in 95% and string in 5%, `dyn2` integer, string or bool in thirds, ten of a
/// thousand sparse keys per document, `nested_arr` of 0–7 strings, `nested_obj {str, num}`.
struct NoBench {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    private mutating func word() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return String((0..<8).map { _ in letters[below(26)] })
    }

    /// One document as compact JSON text.
    mutating func document(_ index: Int) -> String {
        let dyn1 = below(100) < 95 ? "\(index)" : "\"\(word())\""
        let dyn2: String
        switch below(3) {
        case 0: dyn2 = "\(below(1000))"
        case 1: dyn2 = "\"\(word())\""
        default: dyn2 = below(2) == 0 ? "true" : "false"
        }
        var sparse = Set<Int>()
        while sparse.count < 10 { sparse.insert(below(1000)) }
        let sparseText = sparse.sorted().map { String(format: "\"sparse_%03d\":\"%@\"", $0, word()) }.joined(
            separator: ",")
        let array = (0..<below(8)).map { _ in "\"\(word())\"" }.joined(separator: ",")
        return """
            {"str1":"\(word())","str2":"\(word())","num":\(below(10_000)),"bool":\(below(2) == 0),\
            "thousandth":\(index % 1000),"dyn1":\(dyn1),"dyn2":\(dyn2),\(sparseText),\
            "nested_arr":[\(array)],"nested_obj":{"str":"\(word())","num":\(below(1000))}}
            """
    }
}
