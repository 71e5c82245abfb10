/// ftfy's `restore_byte_a0`. Mojibake often passes through software that turns U+00A0 into a plain
/// space, which destroys the 0xA0 continuation byte of characters like `à` (C3 A0): `voilÃ le`.
/// Where a space sits exactly where such a byte belongs, it is put back before decoding as UTF-8.
enum NoBreakSpaceRestoration {
    private static let space: UInt8 = 0x20
    private static let noBreakSpace: UInt8 = 0xA0

    static func restore(_ bytes: [UInt8]) -> [UInt8] {
        guard (0..<bytes.count).contains(where: { alteredSequenceLength(in: bytes, at: $0) > 0 }) else {
            return bytes
        }
        return replacingSpacesInAlteredSequences(restoringAGrave(bytes))
    }

    /// `\xc3 (?! |quele|quela|quilo|s )` → `\xc3\xa0 `: a lone `Ã ` is usually the word `à` whose 0xA0
    /// byte was lost. ftfy's exceptions (a double space, `Ã s `, `Ã quele`…) keep the bytes as they are.
    private static func restoringAGrave(_ bytes: [UInt8]) -> [UInt8] {
        let exceptions: [[UInt8]] = [" ", "quele", "quela", "quilo", "s "].map { Array($0.utf8) }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0xC3, index + 1 < bytes.count, bytes[index + 1] == space {
                let rest = bytes[(index + 2)...]
                if !exceptions.contains(where: { rest.starts(with: $0) }) {
                    result += [0xC3, noBreakSpace, space]
                    index += 2
                    continue
                }
            }
            result.append(bytes[index])
            index += 1
        }
        return result
    }

    private static func replacingSpacesInAlteredSequences(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        var index = 0
        while index < result.count {
            let length = alteredSequenceLength(in: result, at: index)
            guard length > 0 else {
                index += 1
                continue
            }
            for position in index..<(index + length) where result[position] == space {
                result[position] = noBreakSpace
            }
            index += length
        }
        return result
    }

    /// Length of ftfy's `ALTERED_UTF8_RE` match at `start`, or 0.
    private static func alteredSequenceLength(in bytes: [UInt8], at start: Int) -> Int {
        func byte(_ offset: Int) -> UInt8? {
            start + offset < bytes.count ? bytes[start + offset] : nil
        }
        func isContinuation(_ value: UInt8?) -> Bool { value.map { (0x80...0xBF).contains($0) } ?? false }
        // Continuations except 0x85 and 0xA0, which a space could not have replaced unnoticed.
        func isPlausibleContinuation(_ value: UInt8?) -> Bool {
            isContinuation(value) && value != 0x85 && value != 0xA0
        }
        guard let lead = byte(0) else { return 0 }
        if [0xC2, 0xC3, 0xC5, 0xCE, 0xD0, 0xD9].contains(lead) && byte(1) == space { return 2 }
        if (lead == 0xE2 || lead == 0xE3) && byte(1) == space && isPlausibleContinuation(byte(2)) { return 3 }
        if (0xE0...0xE3).contains(lead) && isPlausibleContinuation(byte(1)) && byte(2) == space { return 3 }
        if lead == 0xF0 {
            let tail = [byte(1), byte(2), byte(3)]
            let spaces = tail.filter { $0 == space }.count
            if spaces == 1 && tail.allSatisfy({ $0 == space || isContinuation($0) }) { return 4 }
        }
        return 0
    }
}
