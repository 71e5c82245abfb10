/// Rules for client text that the catalog stores: PostgreSQL refuses a NUL character in `text`
/// and `jsonb` (SQLSTATE 22021, 22P05), so text is checked before anything of the request is
/// kept, and a refusal names the field rather than surfacing as a database error.
public enum StorableText {
    /// Why `text` cannot be stored, or nil when it can.
    public static func problem(in text: String) -> String? {
        text.unicodeScalars.contains("\u{0}") ? "contains a NUL character" : nil
    }
}

/// An owner name: what keys, assets and every per-owner rule are keyed on.
public struct OwnerName: Sendable, Hashable, CustomStringConvertible {
    public static let maximumLength = 200
    public let value: String

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case empty, tooLong, controlCharacter

        public var description: String {
            switch self {
            case .empty: "owner is empty"
            case .tooLong: "owner is longer than \(OwnerName.maximumLength) characters"
            case .controlCharacter: "owner contains a control character"
            }
        }
    }

    /// Surrounding white space is dropped; what remains must be 1…200 characters without
    /// control characters (NUL, newlines, escape sequences would corrupt logs and listings).
    public init(validating text: String) throws(Problem) {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .empty }
        guard trimmed.count <= Self.maximumLength else { throw .tooLong }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .controlCharacter
        }
        value = trimmed
    }

    public var description: String { value }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
