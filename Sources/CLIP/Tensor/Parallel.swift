import CBLAS
import CKernels
import Dispatch
import Foundation

/// The engine's threading: every matrix product is split across `workerCount` threads by output
/// columns, each calling single-threaded sgemm, and attention heads and element-wise work use the
/// same threads. OpenBLAS's own pool would spin (sched_yield) between calls while these threads
/// want the cores, so it is set to one thread once, keeping its thread count as ours.
enum Parallel {
    static let workerCount: Int = {
        let blasThreads = Int(openblas_get_num_threads())
        openblas_set_num_threads(1)
        return max(1, min(blasThreads, ProcessInfo.processInfo.activeProcessorCount, 64))
    }()

    /// Runs `body(worker, index)` for every index in `0..<count`, indices interleaved across workers.
    static func forEach(_ count: Int, _ body: (_ worker: Int, _ index: Int) -> Void) {
        let workers = min(workerCount, count)
        if workers <= 1 {
            for index in 0..<count { body(0, index) }
            return
        }
        run(workers) { worker in
            for index in stride(from: worker, to: count, by: workers) { body(worker, index) }
        }
    }

    /// Runs `body(range)` over `count` items split into one contiguous chunk per worker, with chunk
    /// boundaries on multiples of `alignment`.
    static func forChunks(_ count: Int, minimumChunk: Int = 1, alignment: Int = 1, _ body: (Range<Int>) -> Void) {
        let workers = max(1, min(workerCount, count / max(minimumChunk, 1)))
        if workers <= 1 {
            body(0..<count)
            return
        }
        func boundary(_ worker: Int) -> Int {
            worker == workers ? count : min(count, (count * worker / workers + alignment / 2) / alignment * alignment)
        }
        run(workers) { worker in
            let chunk = boundary(worker)..<boundary(worker + 1)
            if !chunk.isEmpty { body(chunk) }
        }
    }

    /// Runs `body` with the calling thread's regions marked short: a latency-bound forward pass
    /// (a text query: about fifty regions of a few hundred microseconds), which the `WorkerTeam`
    /// runs on the caller alone while the cores are shared with other processes.
    static func shortRegions<Result>(_ body: () throws -> Result) rethrows -> Result {
        let outer = afa_short_regions()
        afa_set_short_regions(1)
        defer { afa_set_short_regions(outer) }
        return try body()
    }

    static var inShortRegions: Bool { afa_short_regions() != 0 }

    /// On the engine's own `WorkerTeam` when it is free, else through `concurrentPerform`, which
    /// wants a `@Sendable` closure: the workers only touch disjoint parts of buffers owned by the
    /// calling forward pass, which outlives this call.
    private static func run(_ workers: Int, _ body: (Int) -> Void) {
        if WorkerTeam.shared.run(parts: workers, body) { return }
        withoutActuallyEscaping(body) { body in
            let task = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { task.value($0) }
        }
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
