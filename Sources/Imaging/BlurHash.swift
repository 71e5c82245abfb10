import Foundation

/// A BlurHash (blurha.sh): a few DCT components of an image in about 30 characters, which a
/// client decodes into a blurred placeholder while the thumbnail loads.
public enum BlurHash {
    /// `rgb` is 8-bit sRGB, three bytes a pixel, row by row; best a few dozen pixels a side.
    public static func encode(
        rgb: [UInt8], width: Int, height: Int, componentsX: Int = 4, componentsY: Int = 3
    )
        -> String
    {
        precondition((1...9).contains(componentsX) && (1...9).contains(componentsY))
        precondition(width > 0 && height > 0 && rgb.count == width * height * 3)
        let linear = rgb.map { linearTable[Int($0)] }
        var factors: [(Double, Double, Double)] = []
        for j in 0..<componentsY {
            for i in 0..<componentsX {
                let normalisation = (i == 0 && j == 0) ? 1.0 : 2.0
                var (r, g, b) = (0.0, 0.0, 0.0)
                for y in 0..<height {
                    let vertical = cos(Double.pi * Double(j) * Double(y) / Double(height))
                    for x in 0..<width {
                        let basis = normalisation * cos(Double.pi * Double(i) * Double(x) / Double(width)) * vertical
                        let pixel = (y * width + x) * 3
                        r += basis * linear[pixel]
                        g += basis * linear[pixel + 1]
                        b += basis * linear[pixel + 2]
                    }
                }
                let scale = 1.0 / Double(width * height)
                factors.append((r * scale, g * scale, b * scale))
            }
        }
        var hash = base83((componentsX - 1) + (componentsY - 1) * 9, length: 1)
        let ac = factors.dropFirst()
        let maximum: Double
        if ac.isEmpty {
            maximum = 1
            hash += base83(0, length: 1)
        } else {
            let actual = ac.map { max(abs($0.0), abs($0.1), abs($0.2)) }.max()!
            let quantised = Int(max(0, min(82, (actual * 166 - 0.5).rounded(.down))))
            maximum = Double(quantised + 1) / 166
            hash += base83(quantised, length: 1)
        }
        let dc = factors[0]
        hash += base83((toSRGB(dc.0) << 16) + (toSRGB(dc.1) << 8) + toSRGB(dc.2), length: 4)
        for factor in ac {
            func quantise(_ value: Double) -> Int {
                let signed = copysign(pow(abs(value / maximum), 0.5), value)
                return Int(max(0, min(18, (signed * 9 + 9.5).rounded(.down))))
            }
            hash += base83(quantise(factor.0) * 19 * 19 + quantise(factor.1) * 19 + quantise(factor.2), length: 2)
        }
        return hash
    }

    private static let linearTable: [Double] = (0..<256).map { value in
        let v = Double(value) / 255
        return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    private static func toSRGB(_ value: Double) -> Int {
        let v = max(0, min(1, value))
        return v <= 0.003_130_8 ? Int(v * 12.92 * 255 + 0.5) : Int((1.055 * pow(v, 1 / 2.4) - 0.055) * 255 + 0.5)
    }

    private static let alphabet = Array(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~")

    private static func base83(_ value: Int, length: Int) -> String {
        String(
            (1...length).map { position in
                var divisor = 1
                for _ in 0..<(length - position) { divisor *= 83 }
                return alphabet[(value / divisor) % 83]
            })
    }
}
