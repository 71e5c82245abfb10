import Foundation
import Logging
import PostgresNIO
import Schema

/// Reads a collection's records a page at a time. Filters and sorting mean the same in both
/// storage forms: a path held by a typed column is compared as that type (and its B-tree index
/// serves it); any other path is compared as JSON in `extra` or `doc`.
public struct CollectionRecords: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// A value PostgreSQL cannot read as the type it is compared with: a cursor from another
    /// sort, or an operand no column or JSON value could hold (a NUL).
    public struct Unreadable: Error, CustomStringConvertible {
        public let description: String
    }

    public func page(of collection: CollectionRecord, _ query: RecordQuery) async throws -> [CollectionRecordRow] {
        var builder = RecordSQL(collection: collection)
        let sql = builder.select(query)
        do {
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: builder.bindings), logger: logger)
            var page: [CollectionRecordRow] = []
            for try await (id, key, content, sortValue) in rows.decode((UUID, String, ByteBuffer?, String?).self) {
                page.append(
                    CollectionRecordRow(
                        assetID: id, storageKey: key, inlineContent: content.map { Array($0.readableBytesView) },
                        cursor: RecordQuery.Cursor(value: query.sort == nil ? nil : sortValue, assetID: id)))
            }
            return page
        } catch let error as PSQLError where error.serverInfo?[.sqlState]?.hasPrefix("22") == true {
            // Class 22, data exception: the operands or the cursor, which come from the client.
            throw Unreadable(
                description:
                    "a filter value or the cursor cannot be compared as the column's type (\(error.serverInfo?[.message] ?? "data exception"))"
            )
        }
    }
}

/// Builds one page's statement. Paths are SQL text-array literals (so an expression index on
/// `doc #> '{a}'` matches); operands and the cursor are bound.
struct RecordSQL {
    let collection: CollectionRecord
    private(set) var bindings = PostgresBindings()
    private var count = 0

    init(collection: CollectionRecord) { self.collection = collection }

    private var typed: TableLayout? { collection.storage == .typed ? collection.layout : nil }
    private var table: String { typed == nil ? collection.jsonbTable : collection.tableName }

    mutating func select(_ query: RecordQuery) -> String {
        var conditions = query.filters.map { condition($0) }
        let sort = query.sort.map { sortExpression($0.path) }
        let id = "t.\(SQL.quoted(TableLayout.assetIDColumn))"
        let direction = query.sort?.descending == true ? "DESC" : "ASC"
        let beyond = query.sort?.descending == true ? "<" : ">"
        if let after = query.after {
            let afterID = bind(after.assetID)
            if let (expression, cast) = sort {
                if let value = after.value {
                    let v = "\(bind(value))::\(cast)"
                    conditions.append(
                        "(\(expression) \(beyond) \(v) OR (\(expression) = \(v) AND \(id) \(beyond) \(afterID)) OR \(expression) IS NULL)"
                    )
                } else {
                    conditions.append("(\(expression) IS NULL AND \(id) \(beyond) \(afterID))")
                }
            } else {
                conditions.append("\(id) \(beyond) \(afterID)")
            }
        }
        let order =
            sort.map { "\($0.expression) \(direction) NULLS LAST, \(id) \(direction)" } ?? "\(id) \(direction)"
        // The page is chosen on the collection's table alone (its indexes serve the filters and
        // the order); only the page's rows are then joined to their documents' bytes.
        return """
            SELECT page."asset id", a.storage_key, b.content, page.sort_value
            FROM (
                SELECT \(id) AS "asset id", \(sort.map { "(\($0.expression))::text" } ?? "NULL::text") AS sort_value,
                       row_number() OVER (ORDER BY \(order)) AS position
                FROM docs.\(SQL.quoted(table)) t
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                ORDER BY \(order)
                LIMIT \(bind(query.limit))
            ) page
            JOIN assets a ON a.id = page."asset id"
            LEFT JOIN inline_blobs b ON b.sha256 = a.sha256 AND a.storage_key LIKE 'inline/%'
            ORDER BY page.position
            """
    }

    private mutating func bind(_ value: some PostgresNonThrowingEncodable & Sendable) -> String {
        bindings.append(value)
        count += 1
        return "$\(count)"
    }

    /// The column holding exactly `path` in the typed form, if any.
    private func column(for path: [String]) -> TableLayout.Column? {
        typed?.columns.first { $0.path == path }
    }

    /// The path as JSON: in `doc`, in `extra`, or inside a jsonb column that holds a prefix.
    private func jsonExpression(_ path: [String]) -> String {
        guard let typed else { return "t.\"doc\" #> \(SQL.textArrayLiteral(path))" }
        if let holder = typed.columns.first(where: { $0.type == .jsonb && path.starts(with: $0.path) }) {
            return "t.\(SQL.quoted(holder.name)) #> \(SQL.textArrayLiteral(Array(path.dropFirst(holder.path.count))))"
        }
        if let array = column(for: path), array.type.isArray { return "to_jsonb(t.\(SQL.quoted(array.name)))" }
        return "t.\(SQL.quoted(TableLayout.extraColumn)) #> \(SQL.textArrayLiteral(path))"
    }

    private mutating func sortExpression(_ path: [String]) -> (expression: String, cast: String) {
        if let column = column(for: path), column.type.isScalar {
            return ("t.\(SQL.quoted(column.name))", column.type.rawValue)
        }
        return (jsonExpression(path), "jsonb")
    }

    private mutating func condition(_ filter: RecordQuery.Filter) -> String {
        if let column = column(for: filter.path), column.type.isScalar, let scalar = filter.scalar,
            column.type.accepts(scalar: scalar, jsonType: filter.operandType)
        {
            let c = "t.\(SQL.quoted(column.name))"
            switch filter.op {
            case .eq: return "\(c) = \(bind(scalar))::\(column.type.rawValue)"
            case .ne: return "\(c) <> \(bind(scalar))::\(column.type.rawValue)"
            case .lt: return "\(c) < \(bind(scalar))::\(column.type.rawValue)"
            case .gt: return "\(c) > \(bind(scalar))::\(column.type.rawValue)"
            case .contains where column.type == .text: return "strpos(\(c), \(bind(scalar))) > 0"
            case .contains, .exists: break
            }
        }
        let e = jsonExpression(filter.path)
        let present = "(\(e) IS NOT NULL AND \(e) <> 'null'::jsonb)"
        switch filter.op {
        case .exists:
            if let column = column(for: filter.path) {
                return "(t.\(SQL.quoted(column.name)) IS NOT NULL OR \(present))"
            }
            return present
        case .eq: return "\(e) = \(bind(filter.operand))::jsonb"
        case .ne: return "(\(present) AND \(e) <> \(bind(filter.operand))::jsonb)"
        case .lt, .gt:
            let op = filter.op == .lt ? "<" : ">"
            return "(jsonb_typeof(\(e)) = \(bind(filter.operandType)) AND \(e) \(op) \(bind(filter.operand))::jsonb)"
        case .contains:
            let element = "(jsonb_typeof(\(e)) = 'array' AND \(e) @> jsonb_build_array(\(bind(filter.operand))::jsonb))"
            guard filter.operandType == "string", let text = filter.scalar else { return element }
            return "((jsonb_typeof(\(e)) = 'string' AND strpos(\(e) #>> '{}', \(bind(text))) > 0) OR \(element))"
        }
    }
}

extension ColumnType {
    var isArray: Bool { rawValue.hasSuffix("[]") }
    var isScalar: Bool { !isArray && self != .jsonb }

    /// Whether a filter's operand compares as this type (otherwise it can only match values kept
    /// in `extra`, which did not cast: of another type, or too long for a column).
    func accepts(scalar: String, jsonType: String) -> Bool {
        guard scalar.utf8.count <= TableLayout.maximumIndexedValueBytes else { return false }
        switch self {
        case .boolean: return jsonType == "boolean"
        case .bigint: return jsonType == "number" && Int64(scalar) != nil
        case .numeric: return jsonType == "number"
        // A number a double cannot hold (1e400) can only be in `extra`.
        case .doublePrecision: return jsonType == "number" && (Double(scalar)?.isFinite ?? false)
        case .text: return jsonType == "string"
        case .timestamptz: return jsonType == "string" && [.dateTime, .date].contains(StringFormat.detect(scalar))
        case .date: return jsonType == "string" && StringFormat.detect(scalar) == .date
        case .uuid: return jsonType == "string" && StringFormat.detect(scalar) == .uuid
        default: return false
        }
    }
}
