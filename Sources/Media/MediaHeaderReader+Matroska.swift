extension MediaHeaderReader {
    private enum MatroskaID {
        static let segment: UInt32 = 0x1853_8067
        static let info: UInt32 = 0x1549_A966
        static let timestampScale: UInt32 = 0x2A_D7B1
        static let duration: UInt32 = 0x4489
        static let tracks: UInt32 = 0x1654_AE6B
        static let trackEntry: UInt32 = 0xAE
        static let video: UInt32 = 0xE0
        static let pixelWidth: UInt32 = 0xB0
        static let pixelHeight: UInt32 = 0xBA
        static let cluster: UInt32 = 0x1F43_B675
    }

    /// Matroska and WebM: duration from Segment/Info, size from the first video track. Both
    /// come before the first Cluster in files written by common muxers, so the prefix has them.
    static func readMatroska(_ view: ByteView, into header: inout MediaHeader) {
        let topLevel = view.ebmlElements(from: 0, to: view.count)
        guard let segment = topLevel.first(where: { $0.id == MatroskaID.segment }) else { return }
        for element in view.ebmlElements(from: segment.dataStart, to: segment.dataEnd) {
            switch element.id {
            case MatroskaID.info:
                readMatroskaInfo(view, info: element, into: &header)
            case MatroskaID.tracks where header.width == nil:
                readMatroskaVideoSize(view, tracks: element, into: &header)
            case MatroskaID.cluster:
                return
            default:
                continue
            }
        }
    }

    private static func readMatroskaInfo(_ view: ByteView, info: EBMLElement, into header: inout MediaHeader) {
        let children = view.ebmlElements(from: info.dataStart, to: info.dataEnd)
        // The duration is in units of the timestamp scale (nanoseconds per unit, default 1 ms).
        let scale = children.first { $0.id == MatroskaID.timestampScale }.flatMap(view.ebmlUnsigned) ?? 1_000_000
        guard let duration = children.first(where: { $0.id == MatroskaID.duration }).flatMap(view.ebmlFloat) else {
            return
        }
        header.setDuration(duration * Double(scale) / 1_000_000_000)
    }

    private static func readMatroskaVideoSize(_ view: ByteView, tracks: EBMLElement, into header: inout MediaHeader) {
        for entry in view.ebmlElements(from: tracks.dataStart, to: tracks.dataEnd)
        where entry.id == MatroskaID.trackEntry {
            guard
                let video = view.ebmlElements(from: entry.dataStart, to: entry.dataEnd).first(where: {
                    $0.id == MatroskaID.video
                })
            else { continue }
            let fields = view.ebmlElements(from: video.dataStart, to: video.dataEnd)
            if let width = fields.first(where: { $0.id == MatroskaID.pixelWidth }).flatMap(view.ebmlUnsigned),
                let height = fields.first(where: { $0.id == MatroskaID.pixelHeight }).flatMap(view.ebmlUnsigned)
            {
                header.setSize(width: width, height: height)
                return
            }
        }
    }
}
