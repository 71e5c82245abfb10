import Catalog
import Foundation
import Jobs
import Synchronization

/// What the test stages did, in the order they did it.
final class StageLog: Sendable {
    struct Run: Sendable, Equatable {
        let stage: String
        let version: String
        let asset: UUID
        let order: Int
    }
    private let runs = Mutex<[Run]>([])

    func record(_ stage: String, version: String, asset: UUID) {
        runs.withLock { $0.append(Run(stage: stage, version: version, asset: asset, order: $0.count)) }
    }

    var all: [Run] { runs.withLock { $0 } }

    func runs(of stage: String, for asset: UUID) -> [Run] { all.filter { $0.stage == stage && $0.asset == asset } }
}

/// Holds every stage that waits on it until `open()`, so a test can look at the catalog while a
/// stage is in the middle of its work.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>], arrived: Int)>((false, [], 0))

    /// Waits until the gate is open; a cancelled waiter opens it, so a failed test never hangs.
    func pass() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    state.arrived += 1
                    if state.open { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            open()
        }
    }

    var arrived: Int { state.withLock { $0.arrived } }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A configurable stage for graph tests: records its run, may skip kinds, fail on a comment,
/// wait at a gate, and produce any outputs.
struct TestStage: ProcessingStage {
    let name: String
    var version = "1"
    var requires: [String] = []
    var workClass = WorkClass.standard
    /// Kinds it is not for: the graph skips it for them, with no row.
    var skippedKinds: Set<AssetKind> = []
    /// Kinds it is for but cannot run for now (as a semantic stage without a model): recorded
    /// `skipped` with a reason, on the asset's row.
    var unavailableKinds: Set<AssetKind> = []
    /// Fails (as unprocessable content) assets whose comments contain this text.
    var failOnComment: String?
    var gate: Gate?
    var outputs: @Sendable (AssetRecord, String) -> StageOutput = { _, _ in StageOutput() }
    let log: StageLog

    var kinds: Set<AssetKind> { Set(AssetKind.allCases).subtracting(skippedKinds) }

    func skipReason(for kind: AssetKind) -> String? {
        if skippedKinds.contains(kind) { return "\(name) does not apply to \(kind.rawValue) assets" }
        return unavailableKinds.contains(kind) ? "\(name) cannot run for \(kind.rawValue) assets now" : nil
    }

    func process(_ asset: AssetRecord) async throws -> StageOutput {
        log.record(name, version: version, asset: asset.id)
        if let failOnComment, asset.comments?.contains(failOnComment) == true {
            throw UnprocessableContent("\(name) refuses assets commented '\(failOnComment)'")
        }
        await gate?.pass()
        var output = outputs(asset, version)
        var metadata = output.metadata.objectValue ?? [:]
        metadata["\(name)_version"] = .string(version)
        output.metadata = .object(metadata)
        return output
    }
}

/// Runs `body` while a worker pool runs `pipeline` on the catalog (as `afa worker` does), then
/// stops the pool.
func withWorkers<T: Sendable>(
    _ catalog: CatalogDatabase, _ pipeline: Pipeline, concurrency: Int = 2,
    configure: (inout WorkerConfiguration) -> Void = { _ in }, _ body: @Sendable () async throws -> T
) async throws -> T {
    var configuration = WorkerConfiguration(concurrency: concurrency, pollInterval: .milliseconds(100))
    configure(&configuration)
    let pool = WorkerPool(
        catalog: catalog, pipeline: pipeline, configuration: configuration, logger: TestCluster.logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await pool.run()
            return nil
        }
        defer { group.cancelAll() }
        return try await body()
    }
}

/// Assets recorded straight in the catalog (test stages do not read their bytes).
func recordAssets(
    _ count: Int, kind: AssetKind, in catalog: CatalogDatabase, root: StageReference, owner: String = "graph",
    comments: (Int) -> String? = { _ in nil }, maxAttempts: Int = 3
) async throws -> [UUID] {
    let assets = (0..<count).map { index in
        let digest = (UUID().uuidString + UUID().uuidString).replacingOccurrences(of: "-", with: "").lowercased()
        let sha256 = String((digest + digest).prefix(64))
        return NewAsset(
            kind: kind, sha256: sha256, size: 1, mediaType: kind == .json ? "application/json" : "image/jpeg",
            originalFilename: nil, storageKey: "raw/test/\(sha256)", comments: comments(index), metadata: [:])
    }
    return try await catalog.ingests.record(
        owner: owner, assets: assets, firstStage: root, maxAttempts: maxAttempts, actor: "test"
    )
    .assetIDs
}
