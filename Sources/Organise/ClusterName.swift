/// A proposed cluster's name, from what its members show and when they were taken:
/// "beach, sea — July 2024". An admin can rename it on approval.
public enum ClusterName {
    /// `tags`: each member's tags; `months`: each member's capture (or upload) month as "YYYY-MM".
    public static func propose(tags: [[String]], months: [String]) -> String {
        var counts: [String: Int] = [:]
        for memberTags in tags { for tag in Set(memberTags) { counts[tag, default: 0] += 1 } }
        // A tag names the group only when at least a third of its members carry it.
        let quorum = max(1, (tags.count + 2) / 3)
        let dominant = counts.filter { $0.value >= quorum }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(2).map(\.key)
        let subject = dominant.isEmpty ? "Similar photos" : dominant.joined(separator: ", ")
        guard let period = period(of: months) else { return subject }
        return "\(subject) — \(period)"
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// "July 2024", "June–August 2024", "December 2023–January 2024", or "2019–2024".
    static func period(of months: [String]) -> String? {
        let parsed = months.compactMap { text -> (year: Int, month: Int)? in
            let parts = text.prefix(7).split(separator: "-")
            guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month)
            else { return nil }
            return (year, month)
        }
        guard let first = parsed.min(by: { ($0.year, $0.month) < ($1.year, $1.month) }),
            let last = parsed.max(by: { ($0.year, $0.month) < ($1.year, $1.month) })
        else { return nil }
        let name = { (month: Int) in monthNames[month - 1] }
        if first == last { return "\(name(first.month)) \(first.year)" }
        if first.year == last.year { return "\(name(first.month))–\(name(last.month)) \(first.year)" }
        if last.year - first.year == 1 && (last.month - first.month + 12) <= 3 {
            return "\(name(first.month)) \(first.year)–\(name(last.month)) \(last.year)"
        }
        return "\(first.year)–\(last.year)"
    }

    /// The folder name of a cluster: lowercase ASCII letters and digits joined by `-`, at most 60
    /// characters, never empty. Letters outside ASCII are dropped, not transliterated.
    public static func slug(_ name: String) -> String {
        var result = ""
        var pendingDash = false
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingDash && !result.isEmpty { result.append("-") }
                pendingDash = false
                result.unicodeScalars.append(scalar)
                if result.count >= 60 { break }
            } else {
                pendingDash = true
            }
        }
        return result.isEmpty ? "cluster" : result
    }
}
