/// Reads the EXIF block of a photo: IFD0, the Exif sub-IFD and the GPS sub-IFD. Input is
/// untrusted: every offset is bounds-checked, IFDs are visited at most once (a loop of offsets
/// ends), and a malformed entry is skipped rather than failing the whole block.
public enum ExifReader {
    /// `block` is a TIFF structure, optionally preceded by `Exif\0\0` (as JPEG APP1 and libvips'
    /// `exif-data` carry it).
    public static func read(_ block: [UInt8]) -> ExifFacts {
        let view = ByteView(block)
        let base = view.matches(0, "Exif\u{0}\u{0}") ? 6 : 0
        guard let littleEndian = view.tiffByteOrder(at: base),
            let first = view.uint32(base + 4, littleEndian: littleEndian)
        else { return ExifFacts() }
        let reader = IFDReader(view: view, base: base, littleEndian: littleEndian)

        var facts = ExifFacts()
        let ifd0 = reader.entries(at: first)
        facts.cameraMake = ifd0[Tag.make].flatMap(reader.text)
        facts.cameraModel = ifd0[Tag.model].flatMap(reader.text)
        facts.orientation = ifd0[Tag.orientation].flatMap(reader.integer).flatMap { (1...8).contains($0) ? $0 : nil }

        let exif = ifd0[Tag.exifIFD].flatMap(reader.integer).map { reader.entries(at: UInt32(clamping: $0)) } ?? [:]
        let taken = (exif[Tag.dateTimeOriginal] ?? ifd0[Tag.dateTime]).flatMap(reader.text)
        let offset = exif[Tag.offsetTimeOriginal].flatMap(reader.text).flatMap(Self.offset)
        if let taken, let local = Self.isoDateTime(taken) {
            facts.capturedAt = local + (offset ?? "")
            facts.captureOffset = offset
        }
        facts.lensMake = exif[Tag.lensMake].flatMap(reader.text)
        facts.lensModel = exif[Tag.lensModel].flatMap(reader.text)
        if let exposure = exif[Tag.exposureTime].flatMap(reader.rationals)?.first, exposure.denominator != 0 {
            facts.exposureTime = Double(exposure.numerator) / Double(exposure.denominator)
            facts.exposureText =
                exposure.numerator == 1 || exposure.numerator == 0
                ? "\(exposure.numerator)/\(exposure.denominator)" : Self.decimal(facts.exposureTime!)
        }
        facts.fNumber = exif[Tag.fNumber].flatMap(reader.rationalValue)
        facts.iso = exif[Tag.iso].flatMap(reader.integer)
        facts.focalLengthMillimetres = exif[Tag.focalLength].flatMap(reader.rationalValue)

        if let gpsOffset = ifd0[Tag.gpsIFD].flatMap(reader.integer) {
            facts.gps = Self.position(reader.entries(at: UInt32(clamping: gpsOffset)), reader)
        }
        return facts
    }

    private static func position(_ gps: [UInt16: IFDEntry], _ reader: IFDReader) -> GPSPosition? {
        func degrees(_ value: UInt16, _ reference: UInt16, negative: String) -> Double? {
            guard let parts = gps[value].flatMap(reader.rationals), parts.count == 3,
                parts.allSatisfy({ $0.denominator != 0 })
            else { return nil }
            let values = parts.map { Double($0.numerator) / Double($0.denominator) }
            let magnitude = values[0] + values[1] / 60 + values[2] / 3600
            guard magnitude.isFinite else { return nil }
            let sign = gps[reference].flatMap(reader.text)?.uppercased() == negative ? -1.0 : 1.0
            return sign * magnitude
        }
        guard let latitude = degrees(Tag.gpsLatitude, Tag.gpsLatitudeRef, negative: "S"),
            let longitude = degrees(Tag.gpsLongitude, Tag.gpsLongitudeRef, negative: "W"),
            abs(latitude) <= 90, abs(longitude) <= 180
        else { return nil }
        var altitude = gps[Tag.gpsAltitude].flatMap(reader.rationalValue)
        if let below = gps[Tag.gpsAltitudeRef].flatMap(reader.integer), below == 1 { altitude = altitude.map { -$0 } }
        return GPSPosition(latitude: latitude, longitude: longitude, altitude: altitude)
    }

    /// `2019:07:14 16:32:05` → `2019-07-14T16:32:05`; cameras without a clock write zeros or
    /// blanks, which are no time at all.
    static func isoDateTime(_ text: String) -> String? {
        let characters = Array(text.utf8)
        guard characters.count >= 19 else { return nil }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        guard digits.allSatisfy({ (48...57).contains(characters[$0]) }) else { return nil }
        let value = { (range: Range<Int>) in Int(String(decoding: characters[range], as: UTF8.self))! }
        let (year, month, day) = (value(0..<4), value(5..<7), value(8..<10))
        guard year > 0, (1...12).contains(month), (1...31).contains(day), value(11..<13) < 24, value(14..<16) < 60,
            value(17..<19) < 61
        else { return nil }
        let date = characters[0..<10].map { $0 == UInt8(ascii: ":") ? UInt8(ascii: "-") : $0 }
        return String(decoding: date, as: UTF8.self) + "T" + String(decoding: characters[11..<19], as: UTF8.self)
    }

    /// `+02:00` or `-05:30`; anything else (blank, `   :  `) is no offset.
    static func offset(_ text: String) -> String? {
        let characters = Array(text.utf8.prefix(6))
        guard characters.count == 6, characters[0] == UInt8(ascii: "+") || characters[0] == UInt8(ascii: "-"),
            characters[3] == UInt8(ascii: ":"),
            [1, 2, 4, 5].allSatisfy({ (48...57).contains(characters[$0]) })
        else { return nil }
        return String(decoding: characters, as: UTF8.self)
    }

    private static func decimal(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    enum Tag {
        static let make: UInt16 = 0x010F
        static let model: UInt16 = 0x0110
        static let orientation: UInt16 = 0x0112
        static let dateTime: UInt16 = 0x0132
        static let exifIFD: UInt16 = 0x8769
        static let gpsIFD: UInt16 = 0x8825
        static let exposureTime: UInt16 = 0x829A
        static let fNumber: UInt16 = 0x829D
        static let iso: UInt16 = 0x8827
        static let dateTimeOriginal: UInt16 = 0x9003
        static let offsetTimeOriginal: UInt16 = 0x9011
        static let focalLength: UInt16 = 0x920A
        static let lensMake: UInt16 = 0xA433
        static let lensModel: UInt16 = 0xA434
        static let gpsLatitudeRef: UInt16 = 1
        static let gpsLatitude: UInt16 = 2
        static let gpsLongitudeRef: UInt16 = 3
        static let gpsLongitude: UInt16 = 4
        static let gpsAltitudeRef: UInt16 = 5
        static let gpsAltitude: UInt16 = 6
    }
}
