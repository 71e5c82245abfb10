extension MediaSniffer {
    static let mp4Brands: Set<String> = [
        "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9", "mp41", "mp42", "avc1", "M4V ",
        "M4VH", "M4VP", "dash", "mmp4", "f4v ", "3gp4", "3gp5", "3gp6", "3g2a", "MSNV", "XAVC",
    ]
    static let heicBrands: Set<String> = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"]
    static let avifBrands: Set<String> = ["avif", "avis"]

    /// Classifies an ISO base media file by its `ftyp` box: the major brand first, then the
    /// compatible brands, because generic major brands (`mif1`, unknown vendor brands) are
    /// common and the compatible list says what the file really is.
    static func isoMediaType(_ view: ByteView) -> String? {
        guard let major = view.ascii(8, length: 4) else { return nil }
        let compatible = isoCompatibleBrands(view)
        if major == "qt  " { return "video/quicktime" }
        if avifBrands.contains(major) { return "image/avif" }
        if major == "mif1" || major == "msf1" {
            return compatible.contains(where: avifBrands.contains) ? "image/avif" : "image/heic"
        }
        if heicBrands.contains(major) { return "image/heic" }
        if mp4Brands.contains(major) { return "video/mp4" }
        if compatible.contains(where: avifBrands.contains) { return "image/avif" }
        if compatible.contains(where: heicBrands.contains) { return "image/heic" }
        if compatible.contains(where: mp4Brands.contains) { return "video/mp4" }
        if compatible.contains("qt  ") { return "video/quicktime" }
        return nil
    }

    /// The compatible brands listed after the major brand and minor version, within the box.
    static func isoCompatibleBrands(_ view: ByteView) -> [String] {
        guard let size = view.uint32(0), size >= 16 else { return [] }
        let end = min(Int(size), view.count)
        return stride(from: 16, to: end - 3, by: 4).compactMap { view.ascii($0, length: 4) }
    }
}
