@testable import Schema

/// NoBench-like documents for tests (the benchmark has its own, larger generator): stable
/// fields, `dyn1` a number in 95% of documents, ten of a thousand `sparse_NNN` keys each.
struct NoBenchFixture {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func random(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((mixed ^ (mixed >> 31)) % UInt64(bound))
    }

    mutating func word() -> String {
        String((0..<8).map { _ in Character(Unicode.Scalar(97 + UInt8(random(below: 26)))) })
    }

    mutating func document(index: Int) -> JSONNode {
        var json = "{\"str1\":\"\(word())\",\"str2\":\"\(word())\",\"num\":\(index),\"bool\":\(index % 2 == 0)"
        json += ",\"thousandth\":\(index % 1000)"
        json += index % 20 == 0 ? ",\"dyn1\":\"\(word())\"" : ",\"dyn1\":\(random(below: 1000))"
        json += ",\"nested_obj\":{\"str\":\"\(word())\",\"num\":\(random(below: 100))}"
        json += ",\"nested_arr\":[" + (0..<random(below: 8)).map { _ in "\"\(word())\"" }.joined(separator: ",") + "]"
        let first = random(below: 100) * 10
        for key in first..<(first + 10) {
            let digits = String(key)
            json += ",\"sparse_\(String(repeating: "0", count: 3 - digits.count) + digits)\":\"\(word())\""
        }
        json += "}"
        return try! JSONParser.parse(Array(json.utf8))
    }

    static func documents(_ count: Int, seed: UInt64 = 1) -> [JSONNode] {
        var fixture = NoBenchFixture(seed: seed)
        return (0..<count).map { fixture.document(index: $0) }
    }
}

/// Documents whose `users` object is keyed by user id: a map.
enum UsersByIDFixture {
    static func documents(_ count: Int, offset: Int = 0) -> [JSONNode] {
        (offset..<(offset + count)).map { index in
            let users = (0..<3).map { user in
                let id = index * 3 + user
                return "\"u\(id)\":{\"name\":\"user \(id)\",\"age\":\(20 + id % 50),\"tags\":[\"t\(id % 7)\"]}"
            }
            let json = "{\"team\":\"t\(index % 5)\",\"users\":{\(users.joined(separator: ","))}}"
            return try! JSONParser.parse(Array(json.utf8))
        }
    }
}
