/// What a typed query says besides its meaning for CLIP: the words to look for in filenames,
/// comments, camera and cluster names and tags, and the periods it names ("beach 2019",
/// "july 2019", "2019-07-14").
public struct QueryWords: Sendable, Equatable {
    /// Lower-case runs of letters and digits, stop words left out, each once, in order.
    public let words: [String]
    /// The words and the two- and three-word phrases they form ("golden retriever"): tag names.
    public let phrases: [String]
    /// Prefixes of the camera's local time (`2019`, `2019-07`, `2019-07-14`).
    public let periods: [String]

    public init(_ text: String) {
        let tokens = text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
        var words: [String] = []
        for token in tokens where !Self.stopWords.contains(token) && !words.contains(token) { words.append(token) }
        self.words = words
        var phrases = words
        let kept = tokens.filter { !Self.stopWords.contains($0) }
        for length in 2...3 where kept.count >= length {
            for start in 0...(kept.count - length) {
                phrases.append(kept[start..<start + length].joined(separator: " "))
            }
        }
        self.phrases = phrases
        periods = Self.periods(in: text.lowercased(), tokens: tokens)
    }

    /// Years (1900–2099), a month name or number beside a year, and ISO dates.
    static func periods(in text: String, tokens: [String]) -> [String] {
        var periods: [String] = []
        func add(_ period: String) { if !periods.contains(period) { periods.append(period) } }
        // ISO dates first (`2019-07-14` or `2019-07`): the tokens split them apart.
        for candidate in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
            let parts = candidate.split(separator: "-").map(String.init)
            guard parts.count >= 2, parts.count <= 3, let year = year(parts[0]), let month = Int(parts[1]),
                (1...12).contains(month), parts[1].count == 2
            else { continue }
            if parts.count == 3, let day = Int(parts[2]), (1...31).contains(day), parts[2].count == 2 {
                add("\(year)-\(parts[1])-\(parts[2])")
            } else if parts.count == 2 {
                add("\(year)-\(parts[1])")
            }
        }
        guard periods.isEmpty else { return periods }
        let years = tokens.compactMap(year)
        let months = tokens.compactMap { monthNames[$0] }
        for year in years {
            if months.isEmpty { add(String(year)) }
            for month in months { add("\(year)-\(month < 10 ? "0" : "")\(month)") }
        }
        return periods
    }

    private static func year(_ token: String) -> Int? {
        guard token.count == 4, let year = Int(token), (1900...2099).contains(year) else { return nil }
        return year
    }

    static let monthNames: [String: Int] = [
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
        "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
        "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    ]

    /// English function words: matching them in comments ("a", "on", "the") says nothing about
    /// what a picture shows. CLIP still reads the whole query.
    static let stopWords: Set<String> = [
        "a", "an", "the", "and", "or", "of", "on", "in", "at", "to", "for", "with", "by", "from", "is", "are", "my",
        "our", "your", "his", "her", "their", "its", "this", "that", "some", "photo", "picture", "image", "video",
    ]
}
