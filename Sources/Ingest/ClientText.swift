/// Client input quoted in an error message: a short excerpt with control characters and
/// quotes replaced, so a 9 KB header or a field name full of escape sequences is neither
/// echoed back whole nor able to forge a line in a log or a terminal.
public enum ClientText {
    public static func excerpt(_ text: some StringProtocol, limit: Int = 40) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < limit else {
                result += "…"
                break
            }
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                result += "?"
            default:
                result.unicodeScalars.append(scalar == "'" || scalar == "\"" || scalar == "\\" ? "?" : scalar)
            }
            count += 1
        }
        return result
    }

    /// `'excerpt'`, for messages.
    public static func quoted(_ text: some StringProtocol, limit: Int = 40) -> String {
        "'" + excerpt(text, limit: limit) + "'"
    }
}
