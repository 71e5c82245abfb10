import Catalog
import Foundation
import Hummingbird
import HummingbirdCore
import Schema

/// Reads `GET /collections/{name}/records` query parameters into a `RecordQuery`:
/// `filter[<path>]=<op>:<value>` (any number), `sort=<path>` or `sort=-<path>`, `cursor`,
/// `limit`. A path is its keys joined by `/` (a `/` inside a key is `~1`, a `~` is `~0`, as in
/// JSON Pointer); a value is JSON when it parses as JSON (`5`, `true`, `"5"`), else a string.
enum RecordQueryParser {
    static func parse(_ parameters: FlatDictionary<Substring, Substring>) throws -> RecordQuery {
        var query = RecordQuery()
        for (name, value) in parameters {
            // Hummingbird decodes values but not names; a path in `filter[…]` may hold any key.
            let name = String(name).removingPercentEncoding ?? String(name)
            guard name.hasPrefix("filter[") && name.hasSuffix("]") else { continue }
            let path = try self.path(String(name.dropFirst(7).dropLast()))
            let text = String(value)
            let op: RecordQuery.Operator
            let operand: String
            if let colon = text.firstIndex(of: ":") {
                guard let parsed = RecordQuery.Operator(rawValue: String(text[..<colon])) else {
                    throw invalid(
                        "unknown filter operator in \(name); use \(RecordQuery.Operator.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                op = parsed
                operand = String(text[text.index(after: colon)...])
            } else if text == "exists" {
                op = .exists
                operand = "true"
            } else {
                throw invalid("\(name) must be <op>:<value>, for example eq:5 or lt:\"2024-01-01\"")
            }
            query.filters.append(try filter(path, op, operand))
        }
        if let sort = parameters["sort"].map(String.init), !sort.isEmpty {
            let descending = sort.hasPrefix("-")
            query.sort = RecordQuery.Sort(
                path: try path(descending ? String(sort.dropFirst()) : sort), descending: descending)
        }
        if let limit = parameters["limit"] {
            guard let number = Int(String(limit)), (1...500).contains(number) else {
                throw invalid("limit must be 1…500")
            }
            query.limit = number
        }
        if let token = parameters["cursor"] {
            guard let cursor = RecordCursor.decode(String(token)) else {
                throw invalid("cursor is not one this server issued")
            }
            query.after = cursor
        }
        return query
    }

    static func path(_ text: String) throws -> [String] {
        guard !text.isEmpty else { throw invalid("a path names at least one key") }
        guard !text.contains("\0") else { throw invalid("a path cannot hold a NUL character") }
        return text.split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func filter(
        _ path: [String], _ op: RecordQuery.Operator, _ text: String
    ) throws
        -> RecordQuery.Filter
    {
        let node = (try? JSONParser.parse(Array(text.utf8))) ?? .string(text)
        let scalar: String?
        let type: String
        switch node {
        case .null: (type, scalar) = ("null", nil)
        case .bool(let value): (type, scalar) = ("boolean", value ? "true" : "false")
        case .number(let number): (type, scalar) = ("number", number.text)
        case .string(let string): (type, scalar) = ("string", string)
        case .array: (type, scalar) = ("array", nil)
        case .object: (type, scalar) = ("object", nil)
        }
        let json = node.jsonText
        return RecordQuery.Filter(path: path, op: op, operand: json, operandType: type, scalar: scalar)
    }

    static func invalid(_ message: String) -> APIError { APIError.badRequest("invalid_query", message) }
}

/// A records page's continuation: the last row's sort value and id, base64url JSON.
enum RecordCursor {
    static func encode(_ cursor: RecordQuery.Cursor) -> String {
        var object: [String: Any] = ["id": cursor.assetID.uuidString.lowercased()]
        object["v"] = cursor.value ?? NSNull()
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String) -> RecordQuery.Cursor? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let id = (object["id"] as? String).flatMap(UUID.init(uuidString:)),
            (object["v"] as? String)?.contains("\0") != true
        else { return nil }
        return RecordQuery.Cursor(value: object["v"] as? String, assetID: id)
    }
}
