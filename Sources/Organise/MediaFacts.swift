import Foundation

/// What the duplicate rules and the keeper choice know of one image or video.
public struct MediaFacts: Sendable, Equatable {
    public enum Kind: String, Sendable { case image, video }

    public let id: UUID
    public let kind: Kind
    public let width: Int
    public let height: Int
    /// Perceptual hashes: segment 0 for a still; a video's segments from 1.
    public let hashes: [Int: UInt64]
    /// SHA-256 of the decoded pixels, for stills.
    public let pixelDigest: [UInt8]?
    /// EXIF capture time as the file wrote it.
    public let capturedAt: String?
    /// Camera make and model.
    public let camera: String?
    public let durationSeconds: Double?
    public let bytes: Int64
    /// How many facts the file carries about itself (EXIF fields).
    public let metadataFields: Int
    public let createdAt: Date

    public init(
        id: UUID, kind: Kind, width: Int, height: Int, hashes: [Int: UInt64], pixelDigest: [UInt8]?,
        capturedAt: String?, camera: String?, durationSeconds: Double?, bytes: Int64, metadataFields: Int,
        createdAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.width = width
        self.height = height
        self.hashes = hashes
        self.pixelDigest = pixelDigest
        self.capturedAt = capturedAt
        self.camera = camera
        self.durationSeconds = durationSeconds
        self.bytes = bytes
        self.metadataFields = metadataFields
        self.createdAt = createdAt
    }

    var pixels: Int { width * height }
    var aspect: Double { height > 0 ? Double(width) / Double(height) : 0 }
}
