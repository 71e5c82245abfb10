/// How numbers and paths appear in reasons shown to the admin. Shares are truncated, never
/// rounded up, so a share just under a threshold never reads as the threshold itself
/// ("no type covers 95% (integer 94%)" rather than a confusing "95%").
enum ReasonFormatting {
    /// `0.98` → `98%`, `0.005` → `0.5%`, `0.0004` → `<0.1%`, `0` → `0%`.
    static func percent(_ share: Double) -> String {
        let points = share * 100
        if points <= 0 { return "0%" }
        if points >= 1 { return "\(Int((points + 1e-9).rounded(.down)))%" }
        let tenths = Int((points * 10 + 1e-9).rounded(.down))
        return tenths == 0 ? "<0.1%" : "0.\(tenths)%"
    }

    /// `1000` → `1,000`.
    static func grouped(_ count: Int) -> String {
        let digits = Array(String(count.magnitude))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return count < 0 ? "-" + result : result
    }

    /// A path as the admin reads it: `nested_obj.str`, in backticks.
    static func path(_ path: [String]) -> String { "`" + path.joined(separator: ".") + "`" }

    /// `1 key` / `3 keys`.
    static func counted(_ count: Int, _ noun: String) -> String {
        "\(grouped(count)) \(noun)\(count == 1 ? "" : "s")"
    }
}
