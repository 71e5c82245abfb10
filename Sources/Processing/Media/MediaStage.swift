import Catalog
import Foundation
import Imaging
import Jobs
import Media
import NIOCore
import Storage
import Subprocesses

/// Turns an image or a video into what people see and machines compare: metadata (EXIF, or
/// ffprobe's facts), thumbnails, a placeholder hash, perceptual hashes, video segments, and the
/// pixels CLIP will read. Each image (or video frame) is decoded once; every size comes from
/// that decode.
public struct MediaStage: ProcessingStage {
    public let name = "media"
    /// 2: the decoded pixels' digest is kept beside the perceptual hash (pixel-identical duplicates).
    public let version = "2"
    public let requires = ["verify"]
    public let workClass = WorkClass.compute

    let store: any BlobStore
    let compute: ComputePool
    let settings: MediaSettings

    public init(store: any BlobStore, compute: ComputePool, settings: MediaSettings) {
        self.store = store
        self.compute = compute
        self.settings = settings
    }

    public var kinds: Set<Catalog.AssetKind> { VisualKinds.kinds }

    public func skipReason(for kind: Catalog.AssetKind) -> String? {
        kinds.contains(kind) ? nil : VisualKinds.otherKindsReason
    }

    public func process(_ asset: AssetRecord) async throws -> StageOutput {
        guard let key = BlobKey(asset.storageKey) else {
            throw UnprocessableContent("storage key '\(asset.storageKey)' is not valid")
        }
        return asset.kind == .video ? try await video(key) : try await image(key, size: asset.size)
    }

    // MARK: Stills

    private func image(_ key: BlobKey, size: Int64) async throws -> StageOutput {
        guard size <= settings.maximumImageBytes else {
            throw UnprocessableContent(
                "the image has \(size) bytes, above the limit of \(settings.maximumImageBytes) (MAX_IMAGE_BYTES)")
        }
        let buffer = try await store.readAll(key, limit: settings.maximumImageBytes)
        let bytes = [UInt8](buffer.readableBytesView)
        let renderer = ImageRenderer(limits: settings.limits)
        let image = try await render { try renderer.render(bytes) }
        let rendered = try await store(image, kinds: .asset)
        let facts: JSONValue = [
            "format": .string(image.format), "width": .number(Double(image.width)),
            "height": .number(Double(image.height)), "frames": .number(Double(image.frames)),
        ]
        var metadata: [String: JSONValue] = ["image": facts, "placeholder": ["blurhash": .string(image.blurHash)]]
        if !image.exif.isEmpty { metadata["exif"] = try JSONValue(encoding: image.exif) }
        return StageOutput(
            metadata: .object(metadata),
            detail: [
                "decoder": .string("libvips \(ImageRenderer.libraryVersion)"), "image": facts,
                "renditions": .array(rendered.map { .string($0.kind) }),
                "phash": .string(PerceptualHashText.hex(image.perceptualHash)),
            ],
            derivedBlobs: rendered,
            perceptualHashes: [
                StagePerceptualHash(segment: 0, hash: image.perceptualHash, pixelDigest: image.pixelDigest)
            ])
    }

    // MARK: Videos

    private func video(_ key: BlobKey) async throws -> StageOutput {
        try await store.withLocalFile(key) { path in
            let tools = settings.tools
            let facts = try await timed { try await tools.probe(path) }
            let scenes = try await timed { try await tools.scenes(path) }
            let plan = SegmentPlan(
                duration: facts.durationSeconds, sceneChanges: scenes.changes, blackIntervals: scenes.black)
            let frames = try await sampleFrames(plan, path: path)
            guard let poster = VideoPoster.choose(frames) else {
                throw UnprocessableContent("every sampled frame of the video is black or uniform")
            }
            var blobs = try await store(frames[poster].image, kinds: .asset)
            var segments: [JSONValue] = []
            var hashes: [StagePerceptualHash] = []
            for (index, frame) in frames.enumerated() {
                let number = index + 1
                blobs += try await store(frame.image, kinds: .segment(number))
                hashes.append(StagePerceptualHash(segment: number, hash: frame.image.perceptualHash))
                segments.append([
                    "segment": .number(Double(number)), "start_seconds": .number(frame.segment.start.rounded(to: 3)),
                    "end_seconds": .number(frame.segment.end.rounded(to: 3)),
                    "frame_seconds": .number(frame.time.rounded(to: 3)),
                ])
            }
            let video = try JSONValue(encoding: facts)
            return StageOutput(
                metadata: [
                    "video": video, "segments": .array(segments),
                    "poster": ["segment": .number(Double(poster + 1)), "frame_seconds": .number(frames[poster].time)],
                    "placeholder": ["blurhash": .string(frames[poster].image.blurHash)],
                ],
                detail: [
                    "video": video, "segments": .array(segments),
                    "scene_changes": .array(scenes.changes.map { .number($0) }),
                    "scene_threshold": .number(MediaTools.sceneThreshold),
                    "black": .array(scenes.black.map { [.number($0.lowerBound), .number($0.upperBound)] }),
                ],
                derivedBlobs: blobs, perceptualHashes: hashes)
        }
    }

    /// A frame per segment, from its middle; a black or uniform frame is replaced by one a quarter
    /// in or three quarters in, and a segment with none worth showing is left out.
    private func sampleFrames(_ plan: SegmentPlan, path: String) async throws -> [SampledFrame] {
        let directory = FileManager.default.temporaryDirectory.appending(path: "afa-frames-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let renderer = ImageRenderer(limits: settings.limits)
        var frames: [SampledFrame] = []
        for (index, segment) in plan.segments.enumerated() {
            for time in [segment.sampleTime, segment.start + segment.duration / 4, segment.end - segment.duration / 4] {
                let file = try await timed {
                    try await settings.tools.frame(path, at: time, into: directory, name: "segment-\(index)")
                }
                // Reading the frame (megabytes for 4K) is blocking work too: with the decode, on the pool.
                let image = try await render {
                    defer { try? FileManager.default.removeItem(at: file) }
                    return try renderer.render([UInt8](try Data(contentsOf: file)))
                }
                if image.contrast >= VideoPoster.minimumContrast {
                    frames.append(SampledFrame(segment: segment, time: time, image: image))
                    break
                }
            }
        }
        return frames
    }

    // MARK: Shared

    /// Decoding is CPU work: it runs on the compute pool, and what libvips refuses is a fact about
    /// the content (the job fails at once, with the reason).
    private func render(_ work: @escaping @Sendable () throws -> ImageRenditions) async throws -> ImageRenditions {
        do {
            return try await compute.run(work)
        } catch let error as ImageError {
            throw UnprocessableContent(error.description)
        }
    }

    /// A tool that runs past its time limit will do so again: the job fails at once.
    private func timed<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let error as SubprocessRunner.TimedOut {
            throw UnprocessableContent("\(error) (MEDIA_TOOL_TIMEOUT_SECONDS)")
        }
    }

    private enum Kinds {
        /// `thumbnail`, `preview`, `clip-input`: the asset's own.
        case asset
        /// `frame-3`, `clip-input-3`: a video segment's.
        case segment(Int)
    }

    /// Stores the renditions through the blob store (content-addressed, like uploads) and
    /// describes them for the catalog.
    private func store(_ image: ImageRenditions, kinds: Kinds) async throws -> [DerivedBlob] {
        let clipPNG = try await compute.run { try ImageRenderer.png(image.clipInput) }
        let renditions: [(String, [UInt8], Int, Int, String)]
        switch kinds {
        case .asset:
            renditions = [
                ("thumbnail", image.small.bytes, image.small.width, image.small.height, image.small.mediaType),
                ("preview", image.preview.bytes, image.preview.width, image.preview.height, image.preview.mediaType),
                (
                    DerivedKind.clipInput(segment: nil), clipPNG, image.clipInput.width, image.clipInput.height,
                    "image/png"
                ),
            ]
        case .segment(let number):
            renditions = [
                (
                    DerivedKind.frame(number), image.preview.bytes, image.preview.width, image.preview.height,
                    image.preview.mediaType
                ),
                (
                    DerivedKind.clipInput(segment: number), clipPNG, image.clipInput.width, image.clipInput.height,
                    "image/png"
                ),
            ]
        }
        var blobs: [DerivedBlob] = []
        for (kind, bytes, width, height, mediaType) in renditions {
            let staged = try await store.put(ByteBuffer(bytes: bytes))
            blobs.append(
                DerivedBlob(
                    kind: kind, storageKey: BlobKey.raw(sha256: staged.sha256).rawValue, mediaType: mediaType,
                    size: staged.size, width: width, height: height))
        }
        return blobs
    }
}

struct SampledFrame {
    let segment: SegmentPlan.Segment
    let time: Double
    let image: ImageRenditions
}

extension Double {
    func rounded(to places: Int) -> Double {
        let scale = Foundation.pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
