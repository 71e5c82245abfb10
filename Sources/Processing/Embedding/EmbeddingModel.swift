import CLIP
import Foundation
import Jobs
import ModelHub
import Synchronization

/// The CLIP model the semantic stages share: found at start-up (a file check, no loading),
/// loaded on first use on the compute pool, and let go after an idle period so that an idle
/// server does not hold its weights.
public final class EmbeddingModel: Sendable {
    public enum Availability: Sendable, Equatable {
        case ready(folder: URL)
        /// With what a person should do about it (shown to API clients: no server paths), and,
        /// for `afa doctor`, the folder looked in and what it lacks.
        case missing(reason: String, folder: URL? = nil, missingFiles: [String] = [])
    }

    /// What `EMBEDDING_MODEL` names (a hub id or a folder): stored with every vector and tag.
    public let id: String
    public let precision: CLIPPrecision
    public let availability: Availability
    public let idleUnload: Duration
    let compute: ComputePool
    private let state = Mutex(State())
    /// Concurrent jobs' images share forward passes.
    private let batcher = Mutex<ImageBatcher?>(nil)

    private struct State {
        var model: CLIPModel?
        var lastUse = ContinuousClock.now
        var inUse = 0
        var watching = false
    }

    public init(
        id: String, precision: CLIPPrecision, availability: Availability, idleUnload: Duration, compute: ComputePool
    ) {
        self.id = id
        self.precision = precision
        self.availability = availability
        self.idleUnload = idleUnload
        self.compute = compute
    }

    /// Finds the model `spec` names without loading it: a folder, or a hub id already fetched
    /// into `modelDirectory`. Nothing is downloaded here; `afa model fetch` does that.
    public static func locate(
        spec: String, modelDirectory: URL, precision: CLIPPrecision, idleUnload: Duration, compute: ComputePool
    ) -> EmbeddingModel {
        EmbeddingModel(
            id: spec, precision: precision, availability: availability(of: spec, in: modelDirectory),
            idleUnload: idleUnload, compute: compute)
    }

    public static func availability(of spec: String, in modelDirectory: URL) -> Availability {
        do {
            let folder: URL
            switch try ModelSpec(parsing: spec) {
            case .localFolder(let url): folder = url
            case .hub(let hubID): folder = modelDirectory.appendingPathComponent(hubID.folderName, isDirectory: true)
            }
            let missing = CheckpointFiles.missingRequired(in: folder)
            return missing.isEmpty
                ? .ready(folder: folder)
                : .missing(
                    reason: "no CLIP model: \(spec) is not installed (`afa doctor` on the server says where it is "
                        + "looked for). Run `afa model fetch \(spec)` (it needs the model hub) or place a Hugging "
                        + "Face CLIP folder there, then restart: the skipped stages are then filled in the background",
                    folder: folder, missingFiles: missing)
        } catch {
            return .missing(reason: "no CLIP model: EMBEDDING_MODEL=\(spec) is \(error)")
        }
    }

    public var isReady: Bool { if case .ready = availability { true } else { false } }

    public var missingReason: String? { if case .missing(let reason, _, _) = availability { reason } else { nil } }

    /// The semantic stages' version: changing the model or its precision runs them again.
    public var version: String { isReady ? "\(id)#\(precision.rawValue)" : "none" }

    /// Whether the weights are in memory now (for `/readyz` and the idle-unload test).
    public var isLoaded: Bool { state.withLock { $0.model != nil } }

    /// Image embeddings, batched with those of other jobs asking at the same time.
    public func imageEmbeddings(_ images: [RGBImage]) async throws -> [[Float]] {
        let batcher = batcher.withLock { batcher in
            if let batcher { return batcher }
            let made = ImageBatcher { [unowned self] images in try await run { try $0.imageEmbeddings(images) } }
            batcher = made
            return made
        }
        return try await batcher.embeddings(images)
    }

    /// Runs `body` with the model on the compute pool, loading it first if needed.
    public func run<T: Sendable>(_ body: @escaping @Sendable (CLIPModel) throws -> T) async throws -> T {
        guard case .ready(let folder) = availability else { throw UnprocessableContent(missingReason ?? "no model") }
        state.withLock { $0.inUse += 1 }
        defer {
            state.withLock {
                $0.inUse -= 1
                $0.lastUse = .now
            }
        }
        let precision = precision
        let model = try await compute.run { [self] in
            // Loading happens on a compute thread too; two first users may race to load, and
            // the second then uses the first's model.
            if let model = state.withLock({ $0.model }) { return model }
            let loaded = try CLIPModel.load(from: folder, options: CLIPLoadOptions(precision: precision))
            return state.withLock { current in
                if current.model == nil { current.model = loaded }
                return current.model!
            }
        }
        startWatchingIdleness()
        return try await compute.run { try body(model) }
    }

    /// One watcher per loaded model: it wakes every so often and lets the model go once nobody
    /// used it for `idleUnload`. Users that hold the model keep it alive until they finish.
    private func startWatchingIdleness() {
        let start = state.withLock { state -> Bool in
            defer { state.watching = true }
            return !state.watching
        }
        guard start else { return }
        let interval = min(idleUnload, .seconds(5))
        Task { [weak self] in
            while let self {
                try? await Task.sleep(for: interval)
                let unloaded = self.state.withLock { state -> Bool in
                    guard state.inUse == 0, state.lastUse.duration(to: .now) >= self.idleUnload else { return false }
                    state.model = nil
                    state.watching = false
                    return true
                }
                if unloaded { return }
            }
        }
    }
}
