extension IdentifierSanitiser {
    /// Lower snake case of one key: `camelCase` → `camel_case`, `HTTPServer` → `http_server`,
    /// `Prix (€)` → `prix`, accents dropped (`Größe` → `grosse`). Anything that is not an ASCII
    /// letter or digit separates words. A key with nothing left becomes `fallback`, with a hash
    /// of the key when the key was not empty (so `日本` and `中文` stay distinct and stable).
    static func words(_ raw: String, fallback: String) -> String {
        let characters = asciiCharacters(raw)
        var output: [UInt8] = []
        for (index, byte) in characters.enumerated() {
            guard let byte else {
                output.append(UInt8(ascii: "_"))
                continue
            }
            if isUpper(byte) && index > 0, let previous = characters[index - 1] {
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                // A word starts at an upper-case letter after a lower-case one or a digit, or at
                // the last capital of an acronym followed by lower case (`HTTPServer`).
                if isLower(previous) || isDigit(previous) || (isUpper(previous) && next.map(isLower) == true) {
                    output.append(UInt8(ascii: "_"))
                }
            }
            output.append(isUpper(byte) ? byte | 0x20 : byte)
        }
        let collapsed = output.split(separator: UInt8(ascii: "_")).map { String(decoding: $0, as: UTF8.self) }
        let name = collapsed.joined(separator: "_")
        if !name.isEmpty { return name }
        return raw.isEmpty ? fallback : fallback + "_" + StableHash.hex8(raw)
    }

    /// Each character as an ASCII letter or digit, or `nil` for a separator. Combining marks
    /// vanish; Latin letters with accents become their base letters.
    private static func asciiCharacters(_ raw: String) -> [UInt8?] {
        var result: [UInt8?] = []
        for scalar in raw.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                result.append(isLower(byte) || isUpper(byte) || isDigit(byte) ? byte : nil)
            } else if scalar.properties.generalCategory == .nonspacingMark {
                continue
            } else if let latin = Transliteration.latin[scalar] {
                result.append(contentsOf: latin.utf8.map { Optional($0) })
            } else {
                result.append(nil)
            }
        }
        return result
    }

    private static func isLower(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private static func isUpper(_ byte: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}

/// Latin letters whose ASCII spelling is obvious. Other scripts are not guessed at: their
/// characters separate words, and a key made only of them falls back to `field_<hash>`.
enum Transliteration {
    static let latin: [Unicode.Scalar: String] = {
        let groups: [(String, String)] = [
            ("ÀÁÂÃÄÅĀĂĄ", "A"), ("àáâãäåāăą", "a"), ("ÇĆĈĊČ", "C"), ("çćĉċč", "c"), ("ÐĎĐ", "D"), ("ðďđ", "d"),
            ("ÈÉÊËĒĔĖĘĚ", "E"), ("èéêëēĕėęě", "e"), ("ĜĞĠĢ", "G"), ("ĝğġģ", "g"), ("ĤĦ", "H"), ("ĥħ", "h"),
            ("ÌÍÎÏĨĪĬĮİ", "I"), ("ìíîïĩīĭįı", "i"), ("Ĵ", "J"), ("ĵ", "j"), ("Ķ", "K"), ("ķ", "k"),
            ("ĹĻĽĿŁ", "L"), ("ĺļľŀł", "l"), ("ÑŃŅŇ", "N"), ("ñńņň", "n"), ("ÒÓÔÕÖØŌŎŐ", "O"), ("òóôõöøōŏő", "o"),
            ("ŔŖŘ", "R"), ("ŕŗř", "r"), ("ŚŜŞŠ", "S"), ("śŝşš", "s"), ("ŢŤŦ", "T"), ("ţťŧ", "t"),
            ("ÙÚÛÜŨŪŬŮŰŲ", "U"), ("ùúûüũūŭůűų", "u"), ("Ŵ", "W"), ("ŵ", "w"), ("ÝŶŸ", "Y"), ("ýÿŷ", "y"),
            ("ŹŻŽ", "Z"), ("źżž", "z"), ("Æ", "AE"), ("æ", "ae"), ("Œ", "OE"), ("œ", "oe"), ("Þ", "TH"), ("þ", "th"),
            ("ß", "ss"),
        ]
        var table: [Unicode.Scalar: String] = [:]
        for (letters, ascii) in groups {
            for scalar in letters.unicodeScalars { table[scalar] = ascii }
        }
        return table
    }()
}
