/// `202` to `POST /api/v1/ingest`.
public struct IngestAccepted: Codable, Sendable, Equatable {
    public let job_id: String
    public let system_ids: [String]
    public let status: String

    public init(job_id: String, system_ids: [String], status: String) {
        self.job_id = job_id
        self.system_ids = system_ids
        self.status = status
    }
}

/// `GET /api/v1/ingest/{jobId}/status`: every item of the request with every stage of it.
public struct IngestStatusResponse: Codable, Sendable, Equatable {
    /// Counts items (not jobs) by the state a client sees.
    public struct Progress: Codable, Sendable, Equatable {
        public let queued: Int
        public let processing: Int
        public let done: Int
        public let failed: Int

        public init(queued: Int, processing: Int, done: Int, failed: Int) {
            self.queued = queued
            self.processing = processing
            self.done = done
            self.failed = failed
        }
    }

    public struct Stage: Codable, Sendable, Equatable {
        public let stage: String
        /// queued, processing, done, failed, dead or skipped.
        public let state: String
        public let version: String
        public let attempts: Int
        /// Why it failed, or why it was skipped.
        public let reason: String?

        public init(stage: String, state: String, version: String, attempts: Int, reason: String?) {
            self.stage = stage
            self.state = state
            self.version = version
            self.attempts = attempts
            self.reason = reason
        }
    }

    public struct Item: Codable, Sendable, Equatable {
        public let system_id: String
        /// How many times the request sent these bytes (recorded once).
        public let copies: Int
        /// queued, processing, done or failed.
        public let state: String
        public let error: String?
        /// Every stage the asset has reached, in the order they were enqueued.
        public let stages: [Stage]

        public init(system_id: String, copies: Int, state: String, error: String?, stages: [Stage]) {
            self.system_id = system_id
            self.copies = copies
            self.state = state
            self.error = error
            self.stages = stages
        }
    }

    public let job_id: String
    /// accepted, processing, done, partial or failed.
    public let status: String
    public let progress: Progress
    public let items: [Item]

    public init(job_id: String, status: String, progress: Progress, items: [Item]) {
        self.job_id = job_id
        self.status = status
        self.progress = progress
        self.items = items
    }

    public var isFinished: Bool { ["done", "partial", "failed"].contains(status) }
}
