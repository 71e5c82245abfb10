/// Whether a JSON value goes into a column of a given type without loss, and if not, a short
/// note saying why (kept in `cast_notes`). Stricter than PostgreSQL's casts on purpose: a
/// number is not `text` (it would come back a string), an inexact float is not a `double`.
enum ColumnCast {
    enum Outcome: Equatable {
        /// The value as written into the record for `jsonb_to_recordset`.
        case held(JSONNode)
        case failed(String)
    }

    static func cast(_ value: JSONNode, to type: ColumnType) -> Outcome {
        if type == .jsonb { return .held(value) }
        if let element = elementType(of: type) {
            guard case .array(let elements) = value else { return .failed("\(describe(value)) is not \(phrase(type))") }
            // NULL elements are fine in an SQL array; every other element must cast.
            if let bad = elements.first(where: { $0 != .null && !holds($0, element) }) {
                return .failed("\(describe(value)) is not \(phrase(type)) (element \(describe(bad)))")
            }
            if let long = elements.lazy.compactMap(Self.tooLongForAnIndex).first {
                return .failed("an element is \(long)")
            }
            return .held(value)
        }
        if let long = tooLongForAnIndex(value) { return .failed(long) }
        if holds(value, type) { return .held(value) }
        if case .number(let number) = value, type == .doublePrecision, number.kind != .hugeNumber,
            number.kind != .bigInteger
        {
            return .failed("\(describe(value)) does not fit a double precision exactly")
        }
        return .failed("\(describe(value)) is not \(phrase(type))")
    }

    /// Why a string or number is too long for a column (`TableLayout.maximumIndexedValueBytes`),
    /// or nil.
    static func tooLongForAnIndex(_ value: JSONNode) -> String? {
        let bytes: Int
        switch value {
        case .string(let text): bytes = text.utf8.count
        case .number(let number): bytes = number.text.utf8.count
        default: return nil
        }
        let limit = TableLayout.maximumIndexedValueBytes
        guard bytes > limit else { return nil }
        return "\(describe(value)) of \(bytes) bytes, longer than an indexed column holds (\(limit))"
    }

    static func holds(_ value: JSONNode, _ type: ColumnType) -> Bool {
        switch (value, type) {
        case (.bool, .boolean): return true
        case (.number(let number), .bigint): return number.kind == .integer
        case (.number(let number), .numeric):
            return [.integer, .bigInteger, .float, .hugeNumber].contains(number.kind)
        case (.number(let number), .doublePrecision):
            return (number.kind == .integer || number.kind == .float) && ExactDouble.holds(number.text)
        case (.string, .text): return true
        case (.string(let text), .timestamptz): return [.dateTime, .date].contains(StringFormat.detect(text))
        case (.string(let text), .date): return StringFormat.detect(text) == .date
        case (.string(let text), .uuid): return StringFormat.detect(text) == .uuid
        default: return false
        }
    }

    static func elementType(of type: ColumnType) -> ColumnType? {
        switch type {
        case .booleanArray: return .boolean
        case .bigintArray: return .bigint
        case .numericArray: return .numeric
        case .doubleArray: return .doublePrecision
        case .textArray: return .text
        default: return nil
        }
    }

    /// `string "abc"`, `number 1.5`, `object {"a":1,…`: the kind and a short excerpt.
    static func describe(_ value: JSONNode) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return "boolean \(flag)"
        case .number(let number): return "number \(excerpt(number.text))"
        case .string(let text): return "string \"\(excerpt(text))\""
        case .array: return "array \(excerpt(value.jsonText))"
        case .object: return "object \(excerpt(value.jsonText))"
        }
    }

    /// "a bigint", "numeric", "text": how the type reads after "is not".
    static func phrase(_ type: ColumnType) -> String {
        switch type {
        case .numeric, .text, .jsonb: return type.rawValue
        default: return "a \(type.rawValue)"
        }
    }

    private static func excerpt(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(39)) + "…"
    }
}
