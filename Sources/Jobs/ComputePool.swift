import Foundation
import NIOPosix

/// The threads CPU-heavy work runs on (CLIP, libvips, JSON inference): never Swift's
/// cooperative threads, which every request handler and database call shares, and never an
/// event loop. Sized from the cores by default, so heavy work saturates the CPU, and the
/// server stays responsive because its own threads are never among those blocked.
public final class ComputePool: Sendable {
    private let pool: NIOThreadPool
    public let threads: Int

    /// Started at once; lives as long as the process (`afa serve` and `afa worker` make one).
    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.threads = max(threads, 1)
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    /// Runs `work` on one of the pool's threads and returns its result. Work waiting for a
    /// thread is dropped when its task is cancelled.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(work)
    }

    public func shutdown() async throws {
        try await pool.shutdownGracefully()
    }
}
