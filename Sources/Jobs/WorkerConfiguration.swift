import Foundation

public struct WorkerConfiguration: Sendable {
    /// Jobs run at once in this process (`WORKER_THREADS`).
    public var concurrency: Int
    /// How long a claimed job stays ours without a heartbeat; a crashed worker's jobs come back after it.
    public var lease: Duration
    /// Fallback wake-up when no notification arrives.
    public var pollInterval: Duration
    public var retry: RetryPolicy
    /// Shown in `jobs.leased_by` and lineage actors.
    public var workerID: String

    public init(
        concurrency: Int = 4, lease: Duration = .seconds(60), pollInterval: Duration = .seconds(2),
        retry: RetryPolicy = RetryPolicy(), workerID: String = WorkerConfiguration.defaultWorkerID()
    ) {
        self.concurrency = concurrency
        self.lease = lease
        self.pollInterval = pollInterval
        self.retry = retry
        self.workerID = workerID
    }

    public static func defaultWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }
}
