import CLIP
import Foundation
import Hummingbird
import HummingbirdTesting
import Jobs
import Synchronization
import Testing

@testable import TestSupport

/// CPU-heavy work runs on the compute pool, so the threads that answer requests stay free: the
/// server keeps answering while CLIP occupies every core.
@Suite struct ComputeIsolationTests {
    /// Batches of CLIP done and running now, and the signal to stop.
    final class Load: Sendable {
        private let done = Atomic<Int>(0)
        private let running = Atomic<Int>(0)
        private let stopFlag = Atomic<Bool>(false)
        var batches: Int { done.load(ordering: .relaxed) }
        var inFlight: Int { running.load(ordering: .relaxed) }
        var stopped: Bool { stopFlag.load(ordering: .relaxed) }
        func batchStarted() { running.add(1, ordering: .relaxed) }
        func batchDone() {
            running.subtract(1, ordering: .relaxed)
            done.add(1, ordering: .relaxed)
        }
        func stop() { stopFlag.store(true, ordering: .relaxed) }
    }

    /// A random CLIP whose vision tower is heavy enough that one batch takes a while.
    static func makeModel() throws -> CLIPModel {
        let directory = FileManager.default.temporaryDirectory.appending(path: "afa-clip-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = CLIPConfiguration(
            text: CLIPTextConfiguration(
                encoder: CLIPEncoderConfiguration(hiddenSize: 64, intermediateSize: 256, layerCount: 1, headCount: 4)),
            vision: CLIPVisionConfiguration(
                encoder: CLIPEncoderConfiguration(
                    hiddenSize: 384, intermediateSize: 1536, layerCount: 6, headCount: 6),
                patchSize: 16),
            projectionSize: 64, declaredDType: "float32")
        try RandomCheckpointWriter.write(
            configuration, to: directory,
            tokenizerDirectory: TestCluster.repositoryRoot.appending(path: "Tests/CLIPTests/Fixtures/tokenizer"))
        return try CLIPModel.load(from: directory)
    }

    @Test func healthAndIngestAnswerWithinASecondWhileCLIPOccupiesEveryCore() async throws {
        let model = try Self.makeModel()
        let image = try RGBImage(
            width: 224, height: 224, pixels: (0..<(224 * 224 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let compute = ComputePool()
        let load = Load()
        try await TestApp.run(workers: 0) { client, app in
            // One of each first, so that connections and files exist before the measurement.
            var warmUp = MultipartBody()
            warmUp.field("payload", #"{"busy":"warm-up"}"#)
            #expect(try await client.ingest(warmUp, key: app.adminKey).status == .accepted)
            let busy = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<compute.threads {
                        group.addTask {
                            while !load.stopped {
                                _ = try? await compute.run {
                                    load.batchStarted()
                                    defer { load.batchDone() }
                                    return try model.imageEmbeddings([image, image, image, image])
                                }
                            }
                        }
                    }
                }
            }
            defer { load.stop() }
            try await eventually("CLIP to be running") { load.batches > 0 }
            var health: [Duration] = []
            var ingests: [Duration] = []
            for index in 0..<20 {
                var started = ContinuousClock.now
                let response = try await client.call(.get, "/healthz", key: nil)
                health.append(ContinuousClock.now - started)
                #expect(response.status == .ok)
                var form = MultipartBody()
                form.field("payload", #"{"busy":\#(index)}"#)
                started = ContinuousClock.now
                let accepted = try await client.ingest(form, key: app.adminKey)
                ingests.append(ContinuousClock.now - started)
                #expect(accepted.status == .accepted)
            }
            #expect(health.allSatisfy { $0 < .seconds(1) }, "health checks: \(health)")
            #expect(ingests.allSatisfy { $0 < .seconds(1) }, "ingests: \(ingests)")
            // CLIP was still running when the last request was answered.
            #expect(load.inFlight > 0)
            load.stop()
            await busy.value
        }
        try await compute.shutdown()
    }
}
