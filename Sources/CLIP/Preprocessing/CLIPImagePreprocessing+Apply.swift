extension CLIPImagePreprocessing {
    /// The output size of the shortest-edge resize: short side → `edge`, long side
    /// `int(edge · long / short)` (truncated), as `transformers` computes it.
    static func resizedSize(width: Int, height: Int, shortestEdge edge: Int) -> (width: Int, height: Int) {
        let (short, long) = width <= height ? (width, height) : (height, width)
        let scaledLong = Int(Double(edge * long) / Double(short))
        return width <= height ? (edge, scaledLong) : (scaledLong, edge)
    }

    /// Resize (Pillow bicubic), centre crop, rescale and normalise: CHW float32, 3 planes.
    public func pixelValues(for image: RGBImage) -> [Float] {
        var image = image
        if let edge = resizeShortestEdge {
            let size = Self.resizedSize(width: image.width, height: image.height, shortestEdge: edge)
            image = BicubicResampler.resize(image, width: size.width, height: size.height)
        }
        let (outputWidth, outputHeight) = crop ?? (image.width, image.height)
        // Centre crop at floor offsets; a negative offset pads with zeros, as transformers does.
        let top =
            (image.height - outputHeight) >= 0
            ? (image.height - outputHeight) / 2 : -((outputHeight - image.height + 1) / 2)
        let left =
            (image.width - outputWidth) >= 0 ? (image.width - outputWidth) / 2 : -((outputWidth - image.width + 1) / 2)

        // Per channel, value(u8) = (float32(float64(u8) · factor) − mean) / std, tabulated once.
        var table = [Float](repeating: 0, count: 3 * 256)
        for channel in 0..<3 {
            for level in 0..<256 {
                var value = Float(Double(level) * (rescaleFactor ?? 1))
                if let mean, let std { value = (value - mean[channel]) / std[channel] }
                table[channel * 256 + level] = value
            }
        }
        let plane = outputWidth * outputHeight
        var output = [Float](repeating: 0, count: 3 * plane)
        for channel in 0..<3 {
            let zero = table[channel * 256]
            for y in 0..<outputHeight {
                let sourceY = y + top
                for x in 0..<outputWidth {
                    let sourceX = x + left
                    let inside = sourceY >= 0 && sourceY < image.height && sourceX >= 0 && sourceX < image.width
                    output[channel * plane + y * outputWidth + x] =
                        inside
                        ? table[channel * 256 + Int(image.pixels[(sourceY * image.width + sourceX) * 3 + channel])]
                        : zero
                }
            }
        }
        return output
    }
}
