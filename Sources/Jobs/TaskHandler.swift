import Catalog

/// Runs the keyed tasks of one kind: work that spans assets (a duplicate or cluster pass,
/// applying an approved proposal, purging the trash). Tasks share the queue, leases, retries,
/// dead letter and lineage with asset stages; `TaskRequest` enqueues one.
public protocol TaskHandler: Sendable {
    /// `jobs.stage` of its tasks, and `task.<kind>.done` in their lineage: keep it stable.
    var kind: String { get }
    var workClass: WorkClass { get }
    /// For a periodic task: the first run is scheduled when workers start, and each completion
    /// schedules the next one `period` later under the same key.
    var schedule: PeriodicSchedule? { get }
    /// Returns the detail recorded on the task's lineage event. Must be safe to run again.
    func run(key: String, payload: JSONValue) async throws -> JSONValue
}

extension TaskHandler {
    public var workClass: WorkClass { .standard }
    public var schedule: PeriodicSchedule? { nil }
}

extension TaskHandler {
    /// The next run of a periodic task, due one period from now; nil for a task that is not.
    func nextRun(maxAttempts: Int) -> TaskRequest? {
        schedule.map { TaskRequest(kind: kind, key: $0.key, timing: .after($0.period), maxAttempts: maxAttempts) }
    }
}

public struct PeriodicSchedule: Sendable, Equatable {
    public let key: String
    public let period: Duration

    public init(key: String, every period: Duration) {
        self.key = key
        self.period = period
    }
}
