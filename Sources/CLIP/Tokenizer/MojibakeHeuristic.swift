/// ftfy 6.3's `is_bad`: does the text contain a character sequence that is far more likely to be
/// UTF-8 decoded with the wrong single-byte codec than intended? Without this gate, legitimate text
/// that happens to re-encode as valid UTF-8 would be "repaired" into something else.
///
/// ftfy expresses it as one regular expression (`ftfy.badness.BADNESS_RE`); every alternative is a
/// fixed-length sequence of character classes, so it is kept here as data and matched by hand.
enum MojibakeHeuristic {
    static func isBad(_ text: [Unicode.Scalar]) -> Bool {
        for start in text.indices {
            for pattern in patterns where pattern.matches(text, at: start) {
                return true
            }
        }
        return false
    }

    enum Element {
        case oneOf(Set<Unicode.Scalar>)
        case noneOf(Set<Unicode.Scalar>)
        case whitespace  // Python `\s`
        case wordCharacter  // Python `\w`
        case anyButNewline  // `.`
    }

    struct Pattern {
        var elements: [Element]
        var anchoredAtStart = false

        func matches(_ text: [Unicode.Scalar], at start: Int) -> Bool {
            if anchoredAtStart && start != 0 { return false }
            guard start + elements.count <= text.count else { return false }
            for (offset, element) in elements.enumerated() {
                let scalar = text[start + offset]
                let matched: Bool
                switch element {
                case .oneOf(let set): matched = set.contains(scalar)
                case .noneOf(let set): matched = !set.contains(scalar)
                case .whitespace: matched = PythonText.isSpace(scalar)
                case .wordCharacter: matched = PythonText.isWordCharacter(scalar)
                case .anyButNewline: matched = scalar != "\n"
                }
                if !matched { return false }
            }
            return true
        }
    }

    // MARK: ftfy's MOJIBAKE_CATEGORIES

    private static func set(_ strings: String...) -> Set<Unicode.Scalar> {
        Set(strings.joined().unicodeScalars)
    }

    static let common = set("\u{A0}\u{AD}·´–—―…’")
    static let c1 = Set((0x80...0x9F).map { Unicode.Scalar(UInt8($0)) })
    static let bad = set("¦¤¨¬¯¸ƒˆˇ˘˛˜†‡‰⌐◊\u{FFFD}ªº")
    static let law = set("¶§")
    static let currency = set("¢£¥₧€")
    static let startPunctuation = set("¡«¿©΄΅‘‚“„•‹\u{F8FF}")
    static let endPunctuation = set("®»˝”›™")
    static let numeric = set("²³¹±¼½¾×µ÷⁄∂∆∏∑√∞∩∫≈≠≡≤≥№")
    static let kaomoji = set("ÒÓÔÕÖÙÚÛÜòóôõöøùúûüŐŌŪŲ°")
    static let upperAccented = set("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑØÜÝĂĀĄĆČĎĐĘĚĒĖĞĢİĪĶĹĽŁĻŃŇŅŒŘŚŞŠŢŤŮŰŸŹŻŽҐ")
    static let lowerAccented = set("ßàáâãäåæçèéêëìíîïðñăąāćčďđęěēėğģįīķĺľłļœŕśşšťüźżžґﬁﬂ")
    static let upperCommon = set(
        "ÞΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡ\u{3A2}ΣΤΥΦΧΨΩΆΈΉΊΌΎΏΪΫ",
        "ЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")
    static let lowerCommon = set(
        "αβγδεζηθικλμνξοπρςστυφχψωάέήίΰ",
        "абвгдежзийклмнопрстуфхцчшщъыьэюяѐёђѓєѕіїјљњћќѝўџ")
    static let box = set("│┌┐┘├┤┬┼═║╒╓╔╕╖╗╘╙╚╛╜╝╞╟╠╡╢╣╤╥╦╧╨╩╪╫╬▀▄█▌▐░▒▓")
    static let asciiLetters = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static let asciiLowercase = set("abcdefghijklmnopqrstuvwxyz")

    // MARK: BADNESS_RE, one alternative per line, in ftfy's order

    private static func any(_ sets: Set<Unicode.Scalar>...) -> Element {
        .oneOf(sets.reduce(into: Set()) { $0.formUnion($1) })
    }

    private static func literal(_ string: String) -> [Element] {
        string.unicodeScalars.map { .oneOf([$0]) }
    }

    static let patterns: [Pattern] = {
        let accentedOrSymbol = any(
            lowerAccented, upperAccented, box, startPunctuation, endPunctuation, currency, numeric, law)
        let nearØÙ = any(common, currency, bad, numeric, startPunctuation, set("ŸŠ®°µ»"))
        let sequences: [[Element]] = [
            [.oneOf(c1)],
            [
                any(bad, lowerAccented, upperAccented, box, startPunctuation, endPunctuation, currency, numeric, law),
                .oneOf(bad),
            ],
            [.oneOf(asciiLetters), any(lowerCommon, upperCommon), .oneOf(bad)],
            [.oneOf(bad), accentedOrSymbol],
            [any(lowerAccented, lowerCommon, box, endPunctuation, currency, numeric), .oneOf(upperAccented)],
            [any(box, endPunctuation, currency, numeric), .oneOf(lowerAccented)],
            [any(lowerAccented, box, endPunctuation), .oneOf(currency)],
            [.whitespace, .oneOf(upperAccented), .oneOf(currency)],
            [any(upperAccented, box), any(numeric, law)],
            [
                any(lowerAccented, upperAccented, box, currency, endPunctuation), .oneOf(startPunctuation),
                .oneOf(numeric),
            ],
            [
                any(lowerAccented, upperAccented, currency, numeric, box, law), .oneOf(endPunctuation),
                .oneOf(startPunctuation),
            ],
            [any(currency, numeric, box), .oneOf(startPunctuation)],
            [.oneOf(asciiLowercase), .oneOf(upperAccented), any(startPunctuation, currency)],
            [.oneOf(box), .oneOf(kaomoji)],
            [
                any(lowerAccented, upperAccented, currency, numeric, startPunctuation, endPunctuation, law),
                .oneOf(box),
            ],
            [.oneOf(box), .oneOf(endPunctuation)],
            [any(lowerAccented, upperAccented), any(startPunctuation, endPunctuation), .wordCharacter],
            [.oneOf(set("Œœ")), .noneOf(asciiLetters)],
            [.oneOf(upperAccented), .oneOf(["°"])],
            [
                .oneOf(set("ÂÃÎÐ")),
                any(set("€œŠš¢£Ÿž\u{A0}\u{AD}®©°·»–—´"), startPunctuation, endPunctuation),
            ],
            [.oneOf(["×"]), .oneOf(set("²³"))],
            [.oneOf(set("ØÙ")), nearØÙ, .oneOf(set("ØÙ")), nearØÙ],
            [.oneOf(["à"]), .oneOf(set("²µ¹¼½¾"))],
            [.oneOf(["√"]), .oneOf(set("±∂†≠®™´≤≥¥µø"))],
            [.oneOf(["≈"]), .oneOf(set("°¢"))],
            literal("‚Ä") + [.oneOf(set("ìîïòôúùû†°¢π"))],
            [.oneOf(["‚"]), .oneOf(set("âó")), .oneOf(set("àä°ê"))],
            literal("вЂ"),
            [
                .oneOf(set("ВГРС")), any(c1, bad, startPunctuation, endPunctuation, currency, set("°µ")),
                .oneOf(set("ВГРС")),
            ],
            literal("ГўВЂВ") + [.anyButNewline, any(asciiLetters, [" "])],
            [.oneOf(["Ã"]), .oneOf(set("\u{A0}¡"))],
            [.oneOf(asciiLowercase), .oneOf(set("ÃÂ")), .oneOf([" "])],
            [.oneOf(asciiLowercase), .whitespace, .oneOf(set("ÃÂ")), .oneOf([" "])],
            [
                any(asciiLowercase, set(".,?!"), endPunctuation), .oneOf(["Â"]),
                any([" "], startPunctuation, endPunctuation),
            ],
            literal("β€") + [.oneOf(set("™\u{A0}Ά\u{AD}®°"))],
            [
                .oneOf(set("ΒΓΞΟ")), any(c1, bad, startPunctuation, endPunctuation, currency, ["°"]),
                .oneOf(set("ΒΓΞΟ")),
            ],
            literal("ā€"),
        ]
        return sequences.map { Pattern(elements: $0) } + [
            Pattern(elements: [.oneOf(set("ÃÂ")), .oneOf([" "])], anchoredAtStart: true)
        ]
    }()
}
