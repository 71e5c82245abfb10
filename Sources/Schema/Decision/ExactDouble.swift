/// Whether a JSON number is exactly a `double precision`: the nearest Double, printed back
/// in its shortest form, must be the same number (`1.0` ≡ `1`, `1e2` ≡ `100`), so
/// `0.1000000000000000055511151231257827` (more digits than a double holds) and
/// `9007199254740993` (beyond 2^53) do not fit.
enum ExactDouble {
    static func holds(_ text: String) -> Bool {
        guard let double = Double(text), double.isFinite, let original = DecimalValue(text),
            let nearest = DecimalValue(double.description)
        else { return false }
        return original == nearest
    }
}

/// A decimal number in a canonical form, 0.`digits` × 10^`scale`, without leading or trailing
/// zeros; zero has no digits and no sign. Two texts of the same number compare equal.
struct DecimalValue: Equatable {
    var negative = false
    var digits: [UInt8] = []
    var scale = 0

    /// Parses JSON number syntax and Swift's `description` of a Double (`1e+16`, `5e-324`).
    init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        var integerDigits = 0
        var seenPoint = false
        while let byte = bytes.first, byte != UInt8(ascii: "e") && byte != UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                digits.append(byte)
                if !seenPoint { integerDigits += 1 }
            } else {
                return nil
            }
        }
        guard !digits.isEmpty else { return nil }
        var exponent = 0
        if !bytes.isEmpty {
            bytes = bytes.dropFirst()  // the `e`
            var exponentNegative = false
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponentNegative = sign == UInt8(ascii: "-")
                bytes = bytes.dropFirst()
            }
            guard !bytes.isEmpty else { return nil }
            for byte in bytes {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                // Far beyond any double's exponent; capping keeps the arithmetic from overflowing.
                exponent = min(exponent * 10 + Int(byte - UInt8(ascii: "0")), 10_000_000)
            }
            if exponentNegative { exponent = -exponent }
        }
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        digits.removeFirst(leadingZeros)
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        scale = integerDigits - leadingZeros + exponent
        if digits.isEmpty {
            negative = false
            scale = 0
        }
    }
}
