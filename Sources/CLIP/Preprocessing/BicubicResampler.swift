/// Pillow's `Image.resize(size, Image.BICUBIC)` for 8-bit images (`ImagingResample` in
/// `libImaging/Resample.c`), reproduced exactly: separable cubic convolution (a = −0.5) whose
/// support widens with the downscale factor, coefficients in 22-bit fixed point, a horizontal pass
/// into an 8-bit intermediate over only the rows the vertical pass needs, then the vertical pass.
enum BicubicResampler {
    private static let precisionBits = 32 - 8 - 2

    private static func cubic(_ value: Double) -> Double {
        let a = -0.5
        let x = abs(value)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    /// For each output pixel: the first input index, the tap count, and `kernelSize` fixed-point weights.
    private struct Coefficients {
        var kernelSize: Int
        var bounds: [(first: Int, count: Int)]
        var weights: [Int32]
    }

    private static func coefficients(inputSize: Int, outputSize: Int) -> Coefficients {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = 2 * filterScale
        let kernelSize = Int(support.rounded(.up)) * 2 + 1
        var bounds: [(Int, Int)] = []
        var weights = [Int32](repeating: 0, count: outputSize * kernelSize)
        var taps = [Double](repeating: 0, count: kernelSize)
        for out in 0..<outputSize {
            let center = (Double(out) + 0.5) * scale
            let first = max(Int(center - support + 0.5), 0)
            let last = min(Int(center + support + 0.5), inputSize)
            let count = last - first
            var total = 0.0
            for tap in 0..<count {
                taps[tap] = cubic((Double(tap + first) - center + 0.5) / filterScale)
                total += taps[tap]
            }
            for tap in 0..<count {
                let weight = total != 0 ? taps[tap] / total : taps[tap]
                let fixed = weight * Double(1 << precisionBits)
                weights[out * kernelSize + tap] = Int32(fixed < 0 ? (fixed - 0.5) : (fixed + 0.5))
            }
            bounds.append((first, count))
        }
        return Coefficients(kernelSize: kernelSize, bounds: bounds, weights: weights)
    }

    @inline(__always)
    private static func clip8(_ sum: Int32) -> UInt8 {
        if sum >= Int32(1 << precisionBits) << 8 { return 255 }
        if sum <= 0 { return 0 }
        return UInt8(truncatingIfNeeded: sum >> precisionBits)
    }

    static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        if width == image.width && height == image.height { return image }
        let horizontal = coefficients(inputSize: image.width, outputSize: width)
        let vertical = coefficients(inputSize: image.height, outputSize: height)
        let half = Int32(1 << (precisionBits - 1))

        // Horizontal pass, only over the source rows the vertical pass reads.
        var rows = image.pixels
        var rowWidth = image.width
        var firstRow = 0
        var rowCount = image.height
        if width != image.width {
            firstRow = vertical.bounds[0].first
            let lastRow = vertical.bounds[height - 1].first + vertical.bounds[height - 1].count
            rowCount = lastRow - firstRow
            var temp = [UInt8](repeating: 0, count: width * rowCount * 3)
            image.pixels.withUnsafeBufferPointer { source in
                temp.withUnsafeMutableBufferPointer { destination in
                    for y in 0..<rowCount {
                        let sourceRow = (y + firstRow) * image.width * 3
                        for x in 0..<width {
                            let (first, count) = horizontal.bounds[x]
                            let k = x * horizontal.kernelSize
                            var (r, g, b) = (half, half, half)
                            for tap in 0..<count {
                                let weight = horizontal.weights[k + tap]
                                let pixel = sourceRow + (first + tap) * 3
                                r &+= Int32(source[pixel]) &* weight
                                g &+= Int32(source[pixel + 1]) &* weight
                                b &+= Int32(source[pixel + 2]) &* weight
                            }
                            let out = (y * width + x) * 3
                            destination[out] = clip8(r)
                            destination[out + 1] = clip8(g)
                            destination[out + 2] = clip8(b)
                        }
                    }
                }
            }
            rows = temp
            rowWidth = width
        }
        guard height != image.height || firstRow != 0 || rowCount != image.height else {
            return RGBImage(validatedWidth: rowWidth, height: rowCount, pixels: rows)
        }

        // Vertical pass.
        var output = [UInt8](repeating: 0, count: width * height * 3)
        rows.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                for y in 0..<height {
                    let (first, count) = vertical.bounds[y]
                    let k = y * vertical.kernelSize
                    for x in 0..<(rowWidth * 3) {
                        var sum = half
                        for tap in 0..<count {
                            sum &+=
                                Int32(source[(first - firstRow + tap) * rowWidth * 3 + x]) &* vertical.weights[k + tap]
                        }
                        destination[y * rowWidth * 3 + x] = clip8(sum)
                    }
                }
            }
        }
        return RGBImage(validatedWidth: rowWidth, height: height, pixels: output)
    }
}
