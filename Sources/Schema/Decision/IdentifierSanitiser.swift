/// Makes every SQL identifier that comes from client text: column names from JSON keys (and
/// paths joined by `__`), table names from collection names. The result is lower snake case,
/// ASCII letters, digits and `_` only, never starts with a digit, is at most 63 bytes (longer
/// names are cut and given a hash of the original, so two long keys with the same start stay
/// apart and keep their names on every run), is no reserved word, and is unique among the
/// names claimed from one sanitiser (`a_b`, then `a_b_2`, in order of claim).
///
/// Names are quoted wherever they are used as well (`SQL.quoted`); sanitising is what keeps
/// them readable and typeable, quoting is what keeps them safe.
public struct IdentifierSanitiser: Sendable {
    /// PostgreSQL's NAMEDATALEN − 1: longer identifiers are silently truncated by the server,
    /// which could merge two columns, so they are shortened here, deterministically.
    public static let maximumBytes = 63
    /// Bytes kept from a name that is too long: 54 + `_` + 8 hex digits = 63.
    static let truncatedPrefixBytes = 54

    /// Names already in use (claimed, reserved, or given at `init`).
    public private(set) var taken: Set<String>

    /// `reserved`: names that data may never get (the system columns, existing columns).
    public init(reserved: Set<String> = []) {
        taken = reserved
    }

    /// A sanitiser for one table's columns: the system columns are never produced for data.
    public static func forColumns(existing: [String] = []) -> IdentifierSanitiser {
        IdentifierSanitiser(reserved: Set(TableLayout.systemColumns + existing))
    }

    /// Marks a name as taken without changing it (an approved column keeps its name).
    public mutating func reserve(_ name: String) {
        taken.insert(name)
    }

    /// The sanitised name of one key or collection name, made unique.
    public mutating func claim(_ raw: String, fallback: String = "field") -> String {
        unique(Self.base(raw, fallback: fallback))
    }

    /// The column name of a nested path: each key sanitised, joined by `__`, made unique.
    public mutating func claim(path: [String]) -> String {
        unique(Self.base(path: path))
    }

    /// The sanitised form of `raw`, before uniqueness: `userName` → `user_name`, `""` → `field`.
    public static func base(_ raw: String, fallback: String = "field") -> String {
        finished(words(raw, fallback: fallback), original: raw)
    }

    /// `["nested_obj", "str"]` → `nested_obj__str`. A single run of `_` never appears inside a
    /// sanitised key, so `__` always marks a level.
    public static func base(path: [String]) -> String {
        let name = path.map { words($0, fallback: "field") }.joined(separator: "__")
        // U+001F (unit separator) cannot be confused with any key content that matters here.
        return finished(name, original: path.joined(separator: "\u{1F}"))
    }

    /// `name` itself when it fits in 63 bytes; otherwise its first 54 bytes, `_`, and eight hex
    /// digits of a stable hash of `original` (the client's text, not the sanitised name).
    public static func fitted(_ name: String, original: String) -> String {
        guard name.utf8.count > maximumBytes else { return name }
        return prefix(name, bytes: truncatedPrefixBytes) + "_" + StableHash.hex8(original)
    }

    /// Claims a name that is already sanitised (index and statistics names made of sanitised
    /// parts): only shortened if needed and made unique.
    mutating func claimSanitised(_ name: String, original: String) -> String {
        unique(Self.fitted(name, original: original))
    }

    private mutating func unique(_ base: String) -> String {
        var candidate = base
        var counter = 1
        while taken.contains(candidate) {
            counter += 1
            let suffix = "_\(counter)"
            candidate = Self.prefix(base, bytes: Self.maximumBytes - suffix.utf8.count) + suffix
        }
        taken.insert(candidate)
        return candidate
    }

    /// Applies the rules that concern the whole name: no leading digit, no reserved word,
    /// at most 63 bytes.
    static func finished(_ words: String, original: String) -> String {
        var name = words
        if let first = name.utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
            name = "c_" + name
        }
        if ReservedWords.postgreSQL.contains(name) { name += "_" }
        return fitted(name, original: original)
    }

    /// The first `bytes` bytes of an ASCII name, without a trailing `_` (so no `__` appears
    /// before a suffix).
    static func prefix(_ name: String, bytes: Int) -> String {
        var cut = String(decoding: name.utf8.prefix(bytes), as: UTF8.self)
        while cut.hasSuffix("_") && cut.count > 1 { cut.removeLast() }
        return cut
    }
}
