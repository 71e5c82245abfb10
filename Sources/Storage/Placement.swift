/// One file of the folder view to put in place: the asset's file at `current` (nil before its
/// first placement) goes to `target`; when neither exists any more, `target` gets the bytes of
/// `original`, the content-addressed upload, which is never moved.
///
/// Performing a placement again after a crash finishes it: whichever step the crash interrupted,
/// the file ends up at `target` and nowhere else in the folder view.
public struct Placement: Sendable, Equatable {
    public let original: BlobKey
    public let current: BlobKey?
    public let target: BlobKey
    /// Where earlier moves of the same file were headed before this one replaced them: a crash
    /// between a rename and its record leaves the file at one of them.
    public let earlier: [BlobKey]

    public init(original: BlobKey, current: BlobKey?, target: BlobKey, earlier: [BlobKey] = []) {
        self.original = original
        self.current = current
        self.target = target
        self.earlier = earlier
    }
}
