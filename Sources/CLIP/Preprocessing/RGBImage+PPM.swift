extension RGBImage {
    /// Reads a binary PPM (P6, maxval ≤ 255): `P6 <width> <height> <maxval>`, whitespace or `#`
    /// comments between fields, one whitespace byte, then width·height·3 bytes.
    public init(ppm data: [UInt8]) throws {
        var index = 0
        func fail(_ reason: String) -> CLIPError { .invalidInput("not a binary PPM (P6) image: \(reason)") }
        func skipSpaceAndComments() {
            while index < data.count {
                if data[index] == UInt8(ascii: "#") {
                    while index < data.count, data[index] != UInt8(ascii: "\n") { index += 1 }
                } else if [9, 10, 11, 12, 13, 32].contains(data[index]) {
                    index += 1
                } else {
                    return
                }
            }
        }
        func number() throws -> Int {
            skipSpaceAndComments()
            var value = 0
            let start = index
            while index < data.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(data[index]) {
                value = value * 10 + Int(data[index] - UInt8(ascii: "0"))
                guard value < 1 << 24 else { throw fail("dimension too large") }
                index += 1
            }
            guard index > start else { throw fail("expected a number") }
            return value
        }
        guard data.count >= 2, data[0] == UInt8(ascii: "P"), data[1] == UInt8(ascii: "6") else {
            throw fail("missing the P6 magic number")
        }
        index = 2
        let width = try number()
        let height = try number()
        let maxValue = try number()
        guard (1...255).contains(maxValue) else { throw fail("maxval \(maxValue) is not 1…255") }
        guard index < data.count else { throw fail("no pixel data") }
        index += 1
        let byteCount = width * height * 3
        guard data.count - index >= byteCount else {
            throw fail("\(width)x\(height) needs \(byteCount) pixel bytes, the file has \(data.count - index)")
        }
        var pixels = Array(data[index..<(index + byteCount)])
        if maxValue != 255 {
            for i in pixels.indices { pixels[i] = UInt8(min(255, (Int(pixels[i]) * 255 + maxValue / 2) / maxValue)) }
        }
        try self.init(width: width, height: height, pixels: pixels)
    }

    /// The image as a binary PPM (P6).
    public var ppm: [UInt8] { Array("P6\n\(width) \(height)\n255\n".utf8) + pixels }
}
