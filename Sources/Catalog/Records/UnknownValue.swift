/// A value in the database that this build does not know: an error, never a silent default
/// (an unknown status read as `stored` would put an asset back in the queue's eyes).
public struct UnknownValue: Error, CustomStringConvertible {
    public let column: String
    public let value: String
    public var description: String { "unknown value '\(value)' in \(column)" }
}

extension RawRepresentable where RawValue == String {
    /// Decodes a text column into its enum, or throws `UnknownValue`.
    static func decoded(_ text: String, column: String) throws -> Self {
        guard let value = Self(rawValue: text) else { throw UnknownValue(column: column, value: text) }
        return value
    }
}
