extension MediaHeaderReader {
    /// PNG: the IHDR chunk must come first, so its size fields sit at fixed offsets.
    static func readPNG(_ view: ByteView, into header: inout MediaHeader) {
        guard view.matches(12, "IHDR"), let width = view.uint32(16), let height = view.uint32(20) else { return }
        header.setSize(width: width, height: height)
    }

    /// GIF: the logical screen descriptor follows the six-byte signature.
    static func readGIF(_ view: ByteView, into header: inout MediaHeader) {
        guard let width = view.uint16(6, littleEndian: true), let height = view.uint16(8, littleEndian: true) else {
            return
        }
        header.setSize(width: width, height: height)
    }

    /// BMP: the DIB header follows the 14-byte file header; OS/2 1.x headers use 16-bit sizes,
    /// later ones signed 32-bit with a negative height meaning top-down rows.
    static func readBMP(_ view: ByteView, into header: inout MediaHeader) {
        guard let dibSize = view.uint32(14, littleEndian: true) else { return }
        if dibSize == 12 {
            guard let width = view.uint16(18, littleEndian: true), let height = view.uint16(20, littleEndian: true)
            else { return }
            header.setSize(width: width, height: height)
        } else if let width = view.uint32(18, littleEndian: true), let height = view.uint32(22, littleEndian: true) {
            header.setSize(width: Int32(bitPattern: width), height: Int32(bitPattern: height).magnitude)
        }
    }

    /// AVI: the main header (`avih`) opens the `hdrl` list right after the RIFF header.
    static func readAVI(_ view: ByteView, into header: inout MediaHeader) {
        guard view.matches(12, "LIST"), view.matches(20, "hdrl"), view.matches(24, "avih"),
            let microsecondsPerFrame = view.uint32(32, littleEndian: true),
            let totalFrames = view.uint32(48, littleEndian: true),
            let width = view.uint32(64, littleEndian: true), let height = view.uint32(68, littleEndian: true)
        else { return }
        header.setSize(width: width, height: height)
        header.setDuration(Double(microsecondsPerFrame) * Double(totalFrames) / 1_000_000)
    }
}
