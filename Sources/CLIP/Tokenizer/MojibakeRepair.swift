/// ftfy 6.3's `fix_encoding`: UTF-8 that was decoded with a single-byte codec (`cafÃ©` → `café`). The
/// text is encoded back with the codec it was presumably mis-decoded with and decoded as UTF-8, but
/// only when the heuristic says it looks broken and only when that decode is valid.
enum MojibakeRepair {
    static func fixEncoding(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var text = text
        while true {
            let fixed = fixOneStep(text)
            if fixed == text { return text }
            text = fixed
        }
    }

    private static func fixOneStep(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if text.allSatisfy({ $0.isASCII }) || !MojibakeHeuristic.isBad(text) { return text }

        for encoding in SingleByteEncoding.all {
            guard var bytes = encoding.encode(text) else { continue }
            // MacRoman has no no-break space at 0xA0, so a space there was never one.
            if encoding.name != "macroman" { bytes = NoBreakSpaceRestoration.restore(bytes) }
            if encoding.isSloppy { bytes = LossySequenceReplacement.replace(bytes) }
            let usesVariants = bytes.contains(0xED) || bytes.contains(0xC0)
            if let decoded = usesVariants ? UTF8Decoding.variants(bytes) : UTF8Decoding.strict(bytes) {
                return decoded
            }
        }

        let partlyFixed = InconsistentUTF8.fix(text)
        if partlyFixed != text { return partlyFixed }

        // ftfy's remaining steps (Latin-1 read as Windows-1252, then `fix_c1_controls`) both come down
        // to decoding the C1 characters as Windows-1252.
        if text.contains(where: isC1Control) { return fixC1Controls(text) }
        return text
    }

    static func isC1Control(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x80 && scalar.value <= 0x9F
    }

    /// ftfy's `fix_c1_controls`: C1 controls in text are almost always Windows-1252 punctuation.
    static func fixC1Controls(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        text.map { isC1Control($0) ? SingleByteEncoding.windows1252Scalar(for: UInt8($0.value)) : $0 }
    }
}
