/// ftfy's `decode_inconsistent_utf8`: repairs mojibake runs inside otherwise correct text, such as
/// `naïve cafÃ©`, where the whole string does not re-encode to valid UTF-8 but each broken run does.
enum InconsistentUTF8 {
    static func fix(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        var position = 0
        var changed = false
        while position < text.count {
            let length = detectedRunLength(in: text, at: position)
            guard length > 0 else {
                result.append(text[position])
                position += 1
                continue
            }
            let run = Array(text[position..<(position + length)])
            // Shorter than the text, or this would recurse forever on text it cannot fix.
            if run.count < text.count && MojibakeHeuristic.isBad(run) {
                result += MojibakeRepair.fixEncoding(run)
                changed = true
            } else {
                result += run
            }
            position += length
        }
        return changed ? result : text
    }

    /// Length of ftfy's `UTF8_DETECTOR_RE` match starting here, 0 when none: one or more groups of a
    /// character that some codec decodes from a UTF-8 lead byte followed by the right number of
    /// continuation-byte characters, not preceded by one (so a long garble is not half fixed).
    private static func detectedRunLength(in text: [Unicode.Scalar], at start: Int) -> Int {
        if start > 0 && strictContinuation.contains(text[start - 1]) { return 0 }
        var end = start
        while end < text.count {
            let continuationCount: Int
            if firstOfTwo.contains(text[end]) {
                continuationCount = 1
            } else if firstOfThree.contains(text[end]) {
                continuationCount = 2
            } else if firstOfFour.contains(text[end]) {
                continuationCount = 3
            } else {
                break
            }
            guard end + continuationCount < text.count,
                text[(end + 1)...(end + continuationCount)].allSatisfy(continuation.contains)
            else { break }
            end += 1 + continuationCount
        }
        return end - start
    }

    // MARK: ftfy's UTF8_CLUES: what UTF-8 lead and continuation bytes look like after mis-decoding

    private static func set(
        _ characters: String, plusBytesFrom range: ClosedRange<UInt8>? = nil
    )
        -> Set<Unicode.Scalar>
    {
        Set(characters.unicodeScalars).union(range.map { $0.map(Unicode.Scalar.init) } ?? [])
    }

    static let firstOfTwo = set(
        "ÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßĀĂĆČĎĐĒĖĘĚĞĢĪİĶĹĻŁŃŅŇŌŐŘŚŞŠŢŪŮŰŲŹŻŽΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΪΫάέήί"
            + "ВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")
    static let firstOfThree = set("àáâãäåæçèéêëìíîïāăąćčďēėęěģīįķĺļŕźΰαβγδεζηθικλμνξοабвгдежзийклмноп")
    static let firstOfFour = set("ðóđğšπσру")
    /// Includes the space, which may stand for a no-break space (0xA0) that was lost.
    static let continuation = strictContinuation.union(set(" –—―‘’‚“”„•…"))
    /// Leaves out what often stands for itself next to mojibake: space, dashes, quotes, bullet, ellipsis.
    static let strictContinuation = set(
        "ÆØæøĄąĽľŁłŒœŖŗŚśŞşŠšŤťŸŹźŻżŽžƒˆˇ˘˛˜˝΄΅ΆΈΉΊΌΎΏЁЂЃЄЅІЇЈЉЊЋЌЎЏёђѓєѕіїјљњћќўџҐґ†‡‰‹›€№™",
        plusBytesFrom: 0x80...0xBF)
}
