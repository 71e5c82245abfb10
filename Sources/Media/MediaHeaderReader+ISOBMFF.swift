extension MediaHeaderReader {
    /// One box of an ISO base media file (mp4, QuickTime, HEIF, AVIF).
    struct ISOBox {
        let type: String
        let dataStart: Int
        /// Clamped to the bytes available: a box (typically `mdat`) may run past the prefix.
        let end: Int
    }

    /// mp4/QuickTime: brand from `ftyp`, duration from `moov/mvhd`, size from the first track
    /// with one (`moov/trak/tkhd`). HEIF/AVIF: size from the `ispe` properties in `meta`.
    /// Many mp4 files keep `moov` after the media data; then only the brand is in the prefix.
    static func readISOBMFF(_ view: ByteView, into header: inout MediaHeader) {
        let topLevel = isoBoxes(view, from: 0, to: view.count)
        if let ftyp = topLevel.first(where: { $0.type == "ftyp" }) {
            header.brand = view.ascii(ftyp.dataStart, length: 4)
        }
        if let moov = topLevel.first(where: { $0.type == "moov" }) { readMovie(view, moov: moov, into: &header) }
        if let meta = topLevel.first(where: { $0.type == "meta" }) {
            readImageSpatialExtents(view, meta: meta, into: &header)
        }
    }

    static func isoBoxes(_ view: ByteView, from start: Int, to limit: Int) -> [ISOBox] {
        var boxes: [ISOBox] = []
        var offset = start
        // The count cap bounds the work on hostile input made of tiny boxes.
        while boxes.count < 4096, let size = view.uint32(offset), let type = view.ascii(offset + 4, length: 4) {
            var headerLength = 8
            var boxSize = UInt64(size)
            if size == 1 {
                guard let largeSize = view.uint64(offset + 8) else { break }
                headerLength = 16
                boxSize = largeSize
            } else if size == 0 {
                boxSize = UInt64(max(0, limit - offset))  // "extends to the end of the file"
            }
            guard boxSize >= UInt64(headerLength), offset + headerLength <= limit else { break }
            let end = offset.advanced(by: boxSize, within: limit) ?? limit
            boxes.append(ISOBox(type: type, dataStart: offset + headerLength, end: end))
            offset = end
            if end >= limit { break }
        }
        return boxes
    }

    private static func readMovie(_ view: ByteView, moov: ISOBox, into header: inout MediaHeader) {
        let children = isoBoxes(view, from: moov.dataStart, to: moov.end)
        if let mvhd = children.first(where: { $0.type == "mvhd" }) {
            let version1 = view.uint8(mvhd.dataStart) == 1
            let timescale = view.uint32(mvhd.dataStart + (version1 ? 20 : 12))
            let duration =
                version1 ? view.uint64(mvhd.dataStart + 24) : view.uint32(mvhd.dataStart + 16).map(UInt64.init)
            // All ones means "unknown" (fragmented files).
            if let timescale, timescale > 0, let duration, duration != UInt64.max, duration != UInt64(UInt32.max) {
                header.setDuration(Double(duration) / Double(timescale))
            }
        }
        for trak in children where trak.type == "trak" {
            guard let tkhd = isoBoxes(view, from: trak.dataStart, to: trak.end).first(where: { $0.type == "tkhd" })
            else { continue }
            let sizeOffset = tkhd.dataStart + (view.uint8(tkhd.dataStart) == 1 ? 88 : 76)
            // Audio tracks have a zero size; the first track with a size is the picture.
            if let width = view.uint32(sizeOffset), let height = view.uint32(sizeOffset + 4), width >> 16 > 0,
                height >> 16 > 0
            {
                header.setSize(width: width >> 16, height: height >> 16)
                return
            }
        }
    }

    /// HEIF keeps the size of each item in an `ispe` property; the largest is the primary image
    /// (the others are thumbnails or grid tiles).
    private static func readImageSpatialExtents(_ view: ByteView, meta: ISOBox, into header: inout MediaHeader) {
        // `meta` is a full box: version and flags precede its children.
        let metaChildren = isoBoxes(view, from: meta.dataStart + 4, to: meta.end)
        guard let iprp = metaChildren.first(where: { $0.type == "iprp" }),
            let ipco = isoBoxes(view, from: iprp.dataStart, to: iprp.end).first(where: { $0.type == "ipco" })
        else { return }
        var largest: (width: UInt32, height: UInt32)?
        for ispe in isoBoxes(view, from: ipco.dataStart, to: ipco.end) where ispe.type == "ispe" {
            guard let width = view.uint32(ispe.dataStart + 4), let height = view.uint32(ispe.dataStart + 8) else {
                continue
            }
            if UInt64(width) * UInt64(height) > UInt64(largest?.width ?? 0) * UInt64(largest?.height ?? 0) {
                largest = (width, height)
            }
        }
        if let largest { header.setSize(width: largest.width, height: largest.height) }
    }
}
