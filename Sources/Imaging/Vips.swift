import CVips
import Crypto
import Foundation

/// libvips, started once per process, before the first image.
enum Vips {
    /// `VIPS_INIT` is not thread-safe; a lazy static is initialised exactly once.
    private static let started: Bool = afa_vips_start() == 0

    static func start() throws {
        guard started else { throw ImageError.unavailable("libvips could not start: \(takeError())") }
    }

    /// libvips' error text since the last call, cleared: it is one buffer for the whole process,
    /// so on concurrent failures one message may carry another's lines too.
    static func takeError() -> String {
        let message = String(cString: vips_error_buffer()).trimmingCharacters(in: .whitespacesAndNewlines)
        vips_error_clear()
        return message.isEmpty ? "libvips gave no reason" : message
    }

    /// Runs a libvips operation that makes one image, or throws its error.
    static func make(
        _ what: String, _ operation: (UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32
    )
        throws -> VipsImageRef
    {
        var out: UnsafeMutablePointer<VipsImage>?
        guard operation(&out) == 0, let out else { throw ImageError.undecodable("\(what): \(takeError())") }
        return VipsImageRef(out)
    }
}

/// Owns one reference to a libvips image. Used on one thread at a time, inside one compute job.
final class VipsImageRef {
    let pointer: UnsafeMutablePointer<VipsImage>

    init(_ pointer: UnsafeMutablePointer<VipsImage>) { self.pointer = pointer }
    deinit { afa_vips_unref(pointer) }

    var width: Int { Int(vips_image_get_width(pointer)) }
    var height: Int { Int(vips_image_get_height(pointer)) }
    var bands: Int { Int(vips_image_get_bands(pointer)) }

    /// Renders the image into memory: every image derived from it afterwards reads those pixels
    /// instead of running the decode again.
    func materialised() throws -> VipsImageRef {
        guard let copy = vips_image_copy_memory(pointer) else {
            throw ImageError.undecodable("decoding: \(Vips.takeError())")
        }
        return VipsImageRef(copy)
    }

    /// The pixels, band-interleaved, row by row (8-bit images only).
    func pixelBytes() throws -> [UInt8] {
        var size = 0
        guard let memory = vips_image_write_to_memory(pointer, &size) else {
            throw ImageError.undecodable("reading pixels: \(Vips.takeError())")
        }
        defer { g_free(memory) }
        return [UInt8](UnsafeRawBufferPointer(start: memory, count: size))
    }

    /// SHA-256 of the size, the band count and every pixel byte.
    func pixelDigest() throws -> [UInt8] {
        var size = 0
        guard let memory = vips_image_write_to_memory(pointer, &size) else {
            throw ImageError.undecodable("reading pixels: \(Vips.takeError())")
        }
        defer { g_free(memory) }
        var hasher = SHA256()
        withUnsafeBytes(of: (Int64(width).littleEndian, Int64(height).littleEndian, Int64(bands).littleEndian)) {
            hasher.update(bufferPointer: $0)
        }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(start: memory, count: size))
        return Array(hasher.finalize())
    }

    func encoded(
        _ operation: (UnsafeMutablePointer<UnsafeMutableRawPointer?>, UnsafeMutablePointer<Int>) -> Int32
    )
        throws -> [UInt8]
    {
        var bytes: UnsafeMutableRawPointer?
        var length = 0
        guard operation(&bytes, &length) == 0, let bytes else {
            throw ImageError.undecodable("encoding: \(Vips.takeError())")
        }
        defer { g_free(bytes) }
        return [UInt8](UnsafeRawBufferPointer(start: bytes, count: length))
    }
}
