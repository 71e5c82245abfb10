import Foundation

/// The tiny random CLIP checkpoint (with its PyTorch reference outputs) the CLIP tests keep:
/// read where it is, not copied a third time.
enum TinyModel {
    static var folder: URL {
        URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "CLIPTests/Fixtures/tiny", directoryHint: .isDirectory)
    }

    /// The same weights stored in float16: another model id, for "the model changed".
    static var halfPrecisionFolder: URL {
        folder.deletingLastPathComponent().appending(path: "tiny-fp16", directoryHint: .isDirectory)
    }
}
