import CLIP
import Catalog
import Foundation
import Imaging
import Jobs
import Storage

/// The pixels the semantic stages read: the CLIP input the media stage kept for a still, or for
/// each segment of a video, with the segment's place in time.
struct SemanticInputs {
    let segment: Int
    let start: Double?
    let end: Double?
    let image: RGBImage

    /// A kept input is a small PNG (224 px on its short side); anything far larger is not one.
    static let maximumBytes = 16 << 20

    static func read(
        _ asset: AssetRecord, store: any BlobStore, catalog: CatalogDatabase, compute: ComputePool
    ) async throws -> [SemanticInputs] {
        var wanted: [(segment: Int, start: Double?, end: Double?, kind: String)] = []
        if asset.kind == .video {
            guard case .array(let segments)? = asset.metadata["segments"] else {
                throw UnprocessableContent("the video has no segments to embed")
            }
            for item in segments {
                guard case .number(let number)? = item["segment"] else { continue }
                let time = { (key: String) -> Double? in if case .number(let value)? = item[key] { value } else { nil }
                }
                wanted.append(
                    (
                        Int(number), time("start_seconds"), time("end_seconds"),
                        DerivedKind.clipInput(segment: Int(number))
                    ))
            }
        } else {
            wanted.append((0, nil, nil, DerivedKind.clipInput(segment: nil)))
        }
        let blobs = try await catalog.assets.derivedBlobs(of: asset.id, kinds: wanted.map(\.kind))
        var inputs: [SemanticInputs] = []
        for item in wanted {
            guard let blob = blobs[item.kind],
                let key = BlobKey(blob.storageKey)
            else { throw UnprocessableContent("the media stage kept no \(item.kind) for this asset") }
            let bytes = [UInt8](try await store.readAll(key, limit: maximumBytes).readableBytesView)
            let pixels = try await compute.run { try ImageRenderer.pixels(ofImage: bytes) }
            inputs.append(
                SemanticInputs(
                    segment: item.segment, start: item.start, end: item.end,
                    image: try RGBImage(width: pixels.width, height: pixels.height, pixels: pixels.bytes)))
        }
        return inputs
    }
}
