import Foundation

/// A job leased to one worker. Only the holder of `leaseToken` can finish it, so a worker whose
/// lease expired (and whose job another worker took over) cannot complete it a second time.
public struct ClaimedJob: Sendable, Equatable {
    public let id: Int64
    public let assetID: UUID
    public let stage: String
    public let attempt: Int
    public let maxAttempts: Int
    public let leaseToken: UUID
}

/// How a stage ended, as the queue records it.
public struct StageCompletion: Sendable {
    public let metadata: JSONValue
    public let lineageDetail: JSONValue
    public let nextStage: String?

    public init(metadata: JSONValue, lineageDetail: JSONValue, nextStage: String?) {
        self.metadata = metadata
        self.lineageDetail = lineageDetail
        self.nextStage = nextStage
    }
}

public struct LeaseLost: Error, CustomStringConvertible {
    public let jobID: Int64
    public init(jobID: Int64) { self.jobID = jobID }
    public var description: String { "the lease on job \(jobID) expired and another worker took it over" }
}

public struct JobSummary: Sendable, Codable, Equatable {
    public let id: Int64
    public let assetID: UUID
    public let stage: String
    public let state: JobState
    public let attempts: Int
    public let lastError: String?
}
