import Foundation

/// A stored blob as a listing shows it.
public struct StoredBlob: Sendable, Equatable {
    public let key: BlobKey
    public let size: Int64
    /// When its bytes were last written, or last committed again (a repeat upload of the same
    /// content refreshes it): what the orphan sweeper's grace period is measured from.
    public let modified: Date

    public init(key: BlobKey, size: Int64, modified: Date) {
        self.key = key
        self.size = size
        self.modified = modified
    }
}
