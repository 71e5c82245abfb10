import App
import AsyncHTTPClient
import CLIP
import Catalog
import Foundation
import Jobs
import Logging
import Runtime
import Synchronization

// `/healthz` latency of the real HTTP application while CLIP keeps every compute thread busy,
// against the same with the machine idle:
//
//     afa-compute-bench CLIP_CHECKPOINT_DIR [REQUESTS]
//
// Configured like `afa serve` (DATABASE_URL, AFA_DATA, COMPUTE_THREADS). Prints p50/p99 in ms.

let arguments = CommandLine.arguments.dropFirst()
guard let modelPath = arguments.first else {
    FileHandle.standardError.write(Data("usage: afa-compute-bench CLIP_CHECKPOINT_DIR [REQUESTS]\n".utf8))
    exit(2)
}
let requests = arguments.dropFirst().first.flatMap(Int.init) ?? 200
let environment = AppConfiguration.processEnvironment()
var settings = try AppConfiguration(environment: environment)
settings.port = 0
settings.workers.concurrency = 0
let configuration = settings
let logger = {
    var logger = Logger(label: "afa-compute-bench")
    // Stopping the server by cancellation logs errors that say nothing about the figures.
    logger.logLevel = .critical
    return logger
}()

final class Load: Sendable {
    private let state = Mutex<(stopped: Bool, batches: Int)>((false, 0))
    var stopped: Bool { state.withLock { $0.stopped } }
    var batches: Int { state.withLock { $0.batches } }
    func batchDone() { state.withLock { $0.batches += 1 } }
    func stop() { state.withLock { $0.stopped = true } }
}

@Sendable func percentiles(_ latencies: [Double]) -> String {
    let sorted = latencies.sorted()
    let p50 = sorted[sorted.count / 2]
    let p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
    return String(format: "p50=%.2f ms p99=%.2f ms max=%.2f ms", p50, p99, sorted.last ?? 0)
}

/// Requests one after another, `pause` apart, so that they span several CLIP batches.
@Sendable func measure(port: Int, count: Int, pause: Duration = .milliseconds(20)) async throws -> [Double] {
    var latencies: [Double] = []
    for _ in 0..<count {
        try await Task.sleep(for: pause)
        let started = ContinuousClock.now
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 16)
        let elapsed = ContinuousClock.now - started
        latencies.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
    }
    return latencies
}

let model = try CLIPModel.load(from: URL(filePath: modelPath))
let image = try RGBImage(
    width: 224, height: 224, pixels: (0..<(224 * 224 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
let compute = ComputePool(threads: configuration.computeThreads)

try await Runtime.withCatalog(configuration, logger: logger) { catalog, _ in
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    // The application `afa serve` runs, composed the same way (no workers: WORKER_THREADS=0).
    let app = Runtime.application(
        configuration, catalog: catalog,
        processing: try Runtime.ProcessingSetup(configuration, catalog: catalog, logger: logger, compute: compute),
        metrics: MetricsRegistry(), logger: logger
    ) { continuation.yield($0) }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { return }
        _ = try await measure(port: port, count: 20, pause: .zero)  // warm-up
        print("healthz, idle:                      \(percentiles(try await measure(port: port, count: requests)))")

        let load = Load()
        let busy = Task {
            await withTaskGroup(of: Void.self) { workers in
                for _ in 0..<compute.threads {
                    workers.addTask {
                        while !load.stopped {
                            _ = try? await compute.run { try model.imageEmbeddings(Array(repeating: image, count: 8)) }
                            load.batchDone()
                        }
                    }
                }
            }
        }
        while load.batches == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let before = load.batches
        let started = ContinuousClock.now
        let loaded = try await measure(port: port, count: requests)
        let elapsed = ContinuousClock.now - started
        let batches = load.batches - before
        load.stop()
        await busy.value
        print(
            "healthz, CLIP on \(compute.threads) compute threads:  \(percentiles(loaded))  (\(batches * 8) images embedded meanwhile, in \(elapsed))"
        )
        group.cancelAll()
    }
}
