import Foundation

extension SigV4Signer {
    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, built from `gmtime_r` rather than a date formatter: a
    /// formatter follows the process's locale and calendar, and one Buddhist-calendar year or
    /// Arabic digit there would make every signature wrong.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var fields = tm()
        gmtime_r(&seconds, &fields)
        let day =
            padded(Int(fields.tm_year) + 1900, 4) + padded(Int(fields.tm_mon) + 1, 2) + padded(Int(fields.tm_mday), 2)
        let time = padded(Int(fields.tm_hour), 2) + padded(Int(fields.tm_min), 2) + padded(Int(fields.tm_sec), 2)
        return day + "T" + time + "Z"
    }

    /// `yyyyMMdd`, the date in the credential scope.
    static func day(_ date: Date) -> String { String(timestamp(date).prefix(8)) }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
