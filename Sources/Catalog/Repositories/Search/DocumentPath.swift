/// How a search hit names the place of a value in its document, as JavaScript (and jq) would
/// write it: keys that are identifiers joined by `.` (`customer.name`), array elements by their
/// index from 0 (`items[2].title`), and any other key as a JSON string in brackets
/// (`meta["first name"]`, `["a.b"]`), so every key reads back unambiguously.
enum DocumentPath {
    enum Step: Equatable {
        case key(String)
        case index(Int)
    }

    static func text(_ steps: [Step]) -> String {
        var text = ""
        for step in steps {
            switch step {
            case .index(let index): text += "[\(index)]"
            case .key(let key) where isIdentifier(key): text += (text.isEmpty ? "" : ".") + key
            case .key(let key): text += "[\(JSONValue.string(key).jsonText)]"
            }
        }
        return text
    }

    /// The steps of a path PostgreSQL wrote as a JSON array of keys (strings) and indexes.
    static func steps(_ json: String) -> [Step] {
        guard case .array(let elements) = JSONValue.parse(json) else { return [] }
        return elements.compactMap { element in
            switch element {
            case .string(let key): return .key(key)
            case .number(let index): return .index(Int(index))
            default: return nil
            }
        }
    }

    private static func isIdentifier(_ key: String) -> Bool {
        func letter(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        }
        guard let first = key.utf8.first, letter(first) else { return false }
        return key.utf8.allSatisfy { letter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
