/// Why a document does not conform to a frozen collection's table.
public struct ContractViolation: Sendable, Equatable, Codable {
    public var path: [String]
    /// "`colour`: not a column of this collection".
    public var message: String

    public init(path: [String], message: String) {
        self.path = path
        self.message = message
    }
}

extension RowEncoder {
    /// The `freeze` contract: a document conforms when every value it holds goes to a column
    /// (nothing would land in `extra`), every value casts, and every NOT NULL column has a
    /// value. Column problems come first in layout order, then stray values in document order.
    public static func violations(of document: JSONNode, against layout: TableLayout) -> [ContractViolation] {
        let encoder = RowEncoder(layout: layout)
        let row = encoder.evaluate(document)
        var violations: [ContractViolation] = []
        let failures = Dictionary(row.failures.map { ($0.path, $0.message) }, uniquingKeysWith: { first, _ in first })
        for column in layout.columns {
            let name = ReasonFormatting.path(column.path)
            if let message = failures[column.path] {
                violations.append(ContractViolation(path: column.path, message: "\(name): \(message)"))
            } else if column.notNull {
                let value = value(at: column.path, in: document)
                guard value == nil || value == .null else { continue }
                let state = value == nil ? "absent" : "null"
                violations.append(
                    ContractViolation(path: column.path, message: "\(name): required (NOT NULL) but \(state)"))
            }
        }
        if let extra = row.extra {
            strays(in: extra, trie: encoder.trie, at: [], into: &violations)
        }
        return violations
    }

    /// Values left in `extra` that are not there because a column's cast failed.
    private static func strays(
        in node: JSONNode, trie: ColumnTrie, at path: [String], into violations: inout [ContractViolation]
    ) {
        guard case .object(let members) = node else {
            let what = path.isEmpty ? "the document" : ReasonFormatting.path(path)
            violations.append(
                ContractViolation(
                    path: path, message: "\(what): \(ColumnCast.describe(node)) where an object is expected"))
            return
        }
        if members.isEmpty && !path.isEmpty {
            violations.append(
                ContractViolation(
                    path: path, message: "\(ReasonFormatting.path(path)): empty object is not held by any column"))
        }
        for member in members {
            let memberPath = path + [member.key]
            guard let child = trie.children[member.key] else {
                violations.append(
                    ContractViolation(
                        path: memberPath,
                        message: "\(ReasonFormatting.path(memberPath)): not a column of this collection"))
                continue
            }
            if child.column == nil { strays(in: member.value, trie: child, at: memberPath, into: &violations) }
        }
    }
}
