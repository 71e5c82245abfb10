/// Formats recognised in string values; a string may have none. Checked in this order, and a
/// string counts for the first that matches.
public enum StringFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// RFC 3339 / ISO 8601 date and time with an offset or `Z` (`2024-05-01T10:00:00+02:00`):
    /// a `timestamptz`. Without an offset it is still a date-time, read as UTC.
    case dateTime = "date-time"
    /// `2024-05-01`: a `date`.
    case date
    /// `8-4-4-4-12` hexadecimal digits, any case: a `uuid`.
    case uuid
    case email
    /// An absolute URI with a scheme (`https://…`, `mailto:…`).
    case uri
    /// A decimal integer written as a string (`"42"`, `"-7"`), within Int64.
    case integerString = "integer-in-string"
}
