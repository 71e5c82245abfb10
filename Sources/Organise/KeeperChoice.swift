/// Which copy of a duplicate group to keep: the largest picture, then the least compressed
/// (most bytes per pixel), then the one that says most about itself, then the oldest upload.
public enum KeeperChoice {
    public static func suggest(_ members: [MediaFacts]) -> MediaFacts? {
        members.min { better($0, than: $1) }
    }

    /// Every member, the suggested keeper first.
    public static func ranked(_ members: [MediaFacts]) -> [MediaFacts] {
        members.sorted { better($0, than: $1) }
    }

    static func better(_ a: MediaFacts, than b: MediaFacts) -> Bool {
        if a.pixels != b.pixels { return a.pixels > b.pixels }
        let densityA = Double(a.bytes) / Double(max(a.pixels, 1))
        let densityB = Double(b.bytes) / Double(max(b.pixels, 1))
        if densityA != densityB { return densityA > densityB }
        if a.metadataFields != b.metadataFields { return a.metadataFields > b.metadataFields }
        if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
        return a.id.uuidString < b.id.uuidString
    }

    /// Why the keeper was chosen over the runner-up, in words.
    public static func reason(keeper: MediaFacts, over other: MediaFacts?) -> String {
        guard let other else { return "the only member" }
        if keeper.pixels != other.pixels { return "the largest picture (\(keeper.width) × \(keeper.height))" }
        if keeper.bytes != other.bytes { return "the least compressed (\(keeper.bytes) bytes)" }
        if keeper.metadataFields != other.metadataFields {
            return "the richest metadata (\(keeper.metadataFields) EXIF fields)"
        }
        return "the first uploaded"
    }
}
