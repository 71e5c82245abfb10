import Foundation
import Testing

@testable import CLIP

/// Access to `Fixtures/` (copied from the shared CLIP fixtures) and the tiny model's goldens.
enum Fixtures {
    static let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    static let tiny = root.appendingPathComponent("tiny")
    static let tinyFP16 = root.appendingPathComponent("tiny-fp16")

    nonisolated(unsafe) static let golden: [String: Any] = {
        let data = try! Data(contentsOf: tiny.appendingPathComponent("golden.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    static let tinyModel: CLIPModel = try! CLIPModel.load(from: tiny)
    static let tinyFP16Model: CLIPModel = try! CLIPModel.load(from: tinyFP16)

    static var texts: [[String: Any]] { golden["text"] as! [[String: Any]] }
    static var syntheticImages: [[String: Any]] { golden["vision_synthetic"] as! [[String: Any]] }
    static var realImages: [[String: Any]] { golden["real_images"] as! [[String: Any]] }

    static func floats(_ value: Any?) -> [Float] { (value as! [NSNumber]).map(\.floatValue) }
    static func ints(_ value: Any?) -> [Int32] { (value as! [NSNumber]).map(\.int32Value) }

    static func bytes(_ relativePath: String) -> [UInt8] {
        [UInt8](try! Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    /// A raw little-endian float32 file.
    static func float32s(_ relativePath: String) -> [Float] {
        let data = bytes(relativePath)
        return stride(from: 0, to: data.count, by: 4).map { i in
            Float(
                bitPattern: UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3])
                    << 24)
        }
    }

    /// The synthetic NCHW inputs, rebuilt from the recipes in the fixture README.
    static func synthetic(_ name: String) -> [Float] {
        (0..<(3 * 224 * 224)).map { i -> Float in
            let (c, rest) = i.quotientAndRemainder(dividingBy: 224 * 224)
            let (y, x) = rest.quotientAndRemainder(dividingBy: 224)
            switch name {
            case "zeros": return 0
            case "hash_uniform":
                var h = UInt32(truncatingIfNeeded: i) &+ 0x9E37_79B9
                h ^= h >> 16
                h = h &* 0x85EB_CA6B
                h ^= h >> 13
                h = h &* 0xC2B2_AE35
                h ^= h >> 16
                return Float(h >> 8) * 0x1p-22 - 2
            case "gradient": return Float(2 * x - y) / 256 + Float(c - 1) / 4
            default: fatalError("unknown recipe \(name)")
            }
        }
    }

    static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return dot / (na * nb)
    }
}
