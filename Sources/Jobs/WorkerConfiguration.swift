import Foundation

public struct WorkerConfiguration: Sendable {
    /// Jobs of each work class run at once in this process (`WORKER_THREADS`); 0 runs no workers.
    public var concurrency: Int
    /// Per work class, in place of `concurrency` (`WORKER_CONCURRENCY=compute=1,standard=4`).
    public var classConcurrency: [WorkClass: Int] = [:]
    /// Per work class, how many jobs a worker claims at once (`JOB_CLAIM_BATCH=standard=16`):
    /// quick stages share the queue's statements across a batch (one claim, one completion
    /// transaction); heavy ones take one job at a time, so none waits behind a video.
    public var claimBatch: [WorkClass: Int] = [.standard: 16]
    /// Only these stages and task kinds are claimed here (`afa worker --stages embed,tags`);
    /// nil for all of them, so a machine can specialise.
    public var onlyStages: Set<String>?
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

    public func concurrency(of workClass: WorkClass) -> Int {
        concurrency == 0 ? 0 : classConcurrency[workClass] ?? concurrency
    }

    public func claimBatch(of workClass: WorkClass) -> Int { max(claimBatch[workClass] ?? 1, 1) }

    /// Parses `compute=1,standard=4`.
    public static func parseClassConcurrency(_ text: String) throws -> [WorkClass: Int] {
        var result: [WorkClass: Int] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let count = Int(parts[1]), (0...256).contains(count) else {
                throw InvalidSetting(description: "'\(entry)' is not CLASS=N with N in 0...256")
            }
            result[WorkClass(rawValue: parts[0])] = count
        }
        return result
    }

    /// Parses `standard=16,compute=1`: at least one job per claim.
    public static func parseClaimBatch(_ text: String) throws -> [WorkClass: Int] {
        let batches = try parseClassConcurrency(text)
        guard batches.values.allSatisfy({ $0 >= 1 }) else {
            throw InvalidSetting(description: "'\(text)': a claim takes at least one job")
        }
        return batches
    }

    public struct InvalidSetting: Error, CustomStringConvertible {
        public let description: String
    }

    public static func defaultWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }
}
