/// The names of derived blobs (`derived_blobs.kind`), shared by the stages that make them and
/// the routes that serve them.
public enum DerivedKind {
    /// A 250 px square from the centre, WebP.
    public static let thumbnail = "thumbnail"
    /// Long edge 1440 px or less, WebP.
    public static let preview = "preview"

    /// A video segment's frame, preview-sized WebP; segments count from 1.
    public static func frame(_ segment: Int) -> String { "frame-\(segment)" }

    /// The pixels CLIP reads (shortest edge 224, PNG): the still's own (`segment` nil) or a
    /// video segment's. Kept so that a new model re-embeds without decoding the original again.
    public static func clipInput(segment: Int?) -> String { segment.map { "clip-input-\($0)" } ?? "clip-input" }
}
