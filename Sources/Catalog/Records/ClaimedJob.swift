import Foundation

/// A job leased to one worker. Only the holder of `leaseToken` can finish it, so a worker whose
/// lease expired (and whose job another worker took over) cannot complete it a second time.
public struct ClaimedJob: Sendable, Equatable {
    public let id: Int64
    public let subject: JobSubject
    /// The stage's name for an asset job, the task's kind for a task.
    public let stage: String
    public let attempt: Int
    public let maxAttempts: Int
    public let leaseToken: UUID
    /// The asset's row as the claim read it; nil for a task.
    public let asset: AssetRecord?

    public init(
        id: Int64, subject: JobSubject, stage: String, attempt: Int, maxAttempts: Int, leaseToken: UUID,
        asset: AssetRecord? = nil
    ) {
        self.id = id
        self.subject = subject
        self.stage = stage
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.leaseToken = leaseToken
        self.asset = asset
    }

    /// The chain its events go to: the asset's, or the task key's.
    public var lineageSubject: LineageSubject {
        switch subject {
        case .asset(let id): return .asset(id)
        case .task(let key, _): return .other(.task, key: key)
        }
    }
}

/// What a job works on: one stage of one asset, or a keyed task with its payload.
public enum JobSubject: Sendable, Equatable {
    case asset(UUID)
    case task(key: String, payload: JSONValue)
}

/// What the completion of a stage enqueues next, decided by the stage graph from the states of
/// the asset's other stages (read under the asset's lock): a stage to run, or one that does not
/// apply to the asset, recorded as skipped with the reason.
public struct FollowUp: Sendable, Equatable {
    public let stage: String
    public let version: String
    public let skipReason: String?

    public init(stage: String, version: String, skipReason: String? = nil) {
        self.stage = stage
        self.version = version
        self.skipReason = skipReason
    }
}

/// Decides the follow-ups from each stage's state; runs inside the completion transaction.
public typealias FollowUpPlanner = @Sendable (_ states: [String: JobState]) -> [FollowUp]

public struct LeaseLost: Error, CustomStringConvertible {
    public let jobID: Int64
    public init(jobID: Int64) { self.jobID = jobID }
    public var description: String { "the lease on job \(jobID) expired and another worker took it over" }
}

public struct JobSummary: Sendable, Codable, Equatable {
    public let id: Int64
    /// Nil for a task.
    public let assetID: UUID?
    public let taskKey: String?
    public let stage: String
    public let state: JobState
    public let attempts: Int
    public let lastError: String?
}
