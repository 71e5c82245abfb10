/// `POST /api/v1/admin/reprocess`.
public struct ReprocessRequest: Codable, Sendable, Equatable {
    public let stage: String
    /// image, video or json.
    public let kind: String?
    public let owner: String?

    public init(stage: String, kind: String? = nil, owner: String? = nil) {
        self.stage = stage
        self.kind = kind
        self.owner = owner
    }
}

/// `202` to `POST /api/v1/admin/reprocess`.
public struct ReprocessQueued: Codable, Sendable, Equatable {
    public let stage: String
    /// Assets whose stage was put back in the queue.
    public let queued: Int

    public init(stage: String, queued: Int) {
        self.stage = stage
        self.queued = queued
    }
}

/// `GET /api/v1/admin/jobs`.
public struct JobListResponse: Codable, Sendable, Equatable {
    public struct Job: Codable, Sendable, Equatable {
        public let id: Int64
        /// One of `asset_id` and `task_key` is present.
        public let asset_id: String?
        public let task_key: String?
        public let stage: String
        public let state: String
        public let attempts: Int
        public let last_error: String?

        public init(
            id: Int64, asset_id: String?, task_key: String?, stage: String, state: String, attempts: Int,
            last_error: String?
        ) {
            self.id = id
            self.asset_id = asset_id
            self.task_key = task_key
            self.stage = stage
            self.state = state
            self.attempts = attempts
            self.last_error = last_error
        }
    }
    public let counts: [String: Int]
    public let jobs: [Job]

    public init(counts: [String: Int], jobs: [Job]) {
        self.counts = counts
        self.jobs = jobs
    }
}

/// `POST /api/v1/admin/jobs/{id}/retry`.
public struct JobRetried: Codable, Sendable, Equatable {
    public let job_id: Int64
    public let state: String

    public init(job_id: Int64, state: String) {
        self.job_id = job_id
        self.state = state
    }
}
