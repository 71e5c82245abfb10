import CLIP
import Imaging
import Search

/// Search queries through the semantic stages' own model: a typed query through CLIP's text
/// tower, an uploaded image through the same decode (libvips, EXIF rotation, sRGB) and the same
/// 224 px input the media stage keeps, so that an upload of a stored photo finds that photo at
/// similarity 1. Both run on the compute pool, never on a request's thread.
public struct CLIPQueryEmbedder: QueryEmbedder {
    let embedding: EmbeddingModel
    let limits: ImageLimits

    public init(model: EmbeddingModel, limits: ImageLimits) {
        self.embedding = model
        self.limits = limits
    }

    public var model: String { embedding.id }

    public var unavailableReason: String? { embedding.missingReason }

    public func embed(text: String) async throws -> [Float] {
        try await embedding.run { clip in try clip.textEmbeddings([text])[0] }
    }

    public func embed(image: [UInt8]) async throws -> [Float] {
        let renderer = ImageRenderer(limits: limits)
        let pixels: RGBPixels
        do {
            // The whole rendering, as the media stage does it: the CLIP input then matches the
            // stored one to the pixel (a cheaper path with another resampling would not).
            pixels = try await embedding.compute.run { try renderer.render(image).clipInput }
        } catch let error as ImageError {
            throw MediaSearchError.undecodable("\(error)")
        }
        let input = try RGBImage(width: pixels.width, height: pixels.height, pixels: pixels.bytes)
        return try await embedding.imageEmbeddings([input])[0]
    }
}
