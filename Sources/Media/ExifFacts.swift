/// What a camera wrote about a photo, as the API shows it (`metadata.exif`). Every field is
/// optional: phones, scanners and editors each write a different subset.
public struct ExifFacts: Sendable, Codable, Equatable {
    /// ISO 8601, with the offset when the file records one (`2019-07-14T16:32:05+02:00`), else
    /// the camera's local time without an offset (`2019-07-14T16:32:05`).
    public var capturedAt: String?
    /// `+02:00`, when the file records it (EXIF 2.31 `OffsetTimeOriginal`).
    public var captureOffset: String?
    public var cameraMake: String?
    public var cameraModel: String?
    public var lensMake: String?
    public var lensModel: String?
    /// Seconds; `exposureText` is the same as photographers write it (`1/125`).
    public var exposureTime: Double?
    public var exposureText: String?
    public var fNumber: Double?
    public var iso: Int?
    public var focalLengthMillimetres: Double?
    public var orientation: Int?
    public var gps: GPSPosition?

    public init() {}

    public var isEmpty: Bool { self == ExifFacts() }

    enum CodingKeys: String, CodingKey {
        case capturedAt = "captured_at", captureOffset = "capture_offset", cameraMake = "camera_make"
        case cameraModel = "camera_model", lensMake = "lens_make", lensModel = "lens_model"
        case exposureTime = "exposure_time", exposureText = "exposure_text", fNumber = "f_number", iso
        case focalLengthMillimetres = "focal_length_mm", orientation, gps
    }
}

/// Degrees (south and west negative) and metres above sea level.
public struct GPSPosition: Sendable, Codable, Equatable {
    public var latitude: Double
    public var longitude: Double
    public var altitude: Double?

    public init(latitude: Double, longitude: Double, altitude: Double? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
    }
}
