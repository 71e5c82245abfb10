import Catalog
import Foundation
import Jobs
import PostgresNIO
import Synchronization
import Testing

@testable import TestSupport

/// Keyed tasks on the shared queue: idempotent enqueueing, debounce, periodic runs, one run at a
/// time per key across workers, and the same retries and lineage as asset stages.
@Suite struct KeyedTaskTests {
    /// Counts runs, and the most runs of one key ever in progress at once.
    final class Runs: Sendable {
        private let state = Mutex<(total: Int, running: Int, mostAtOnce: Int, times: [ContinuousClock.Instant])>(
            (0, 0, 0, []))
        func begin() {
            state.withLock {
                $0.total += 1
                $0.running += 1
                $0.mostAtOnce = max($0.mostAtOnce, $0.running)
                $0.times.append(.now)
            }
        }
        func end() { state.withLock { $0.running -= 1 } }
        var total: Int { state.withLock { $0.total } }
        var mostAtOnce: Int { state.withLock { $0.mostAtOnce } }
        var times: [ContinuousClock.Instant] { state.withLock { $0.times } }
    }

    struct CountingTask: TaskHandler {
        let kind = "count-pass"
        let runs: Runs
        var work: Duration = .zero
        var schedule: PeriodicSchedule?
        var failures = 0

        func run(key: String, payload: JSONValue) async throws -> JSONValue {
            runs.begin()
            defer { runs.end() }
            if runs.total <= failures { throw TaskHiccup() }
            // Simulated work, so that runs of the same key would overlap if the queue let them.
            if work > .zero { try await Task.sleep(for: work) }
            return ["payload": payload]
        }
    }

    struct TaskHiccup: Error {}

    static func pipeline(_ task: CountingTask) -> Pipeline {
        Pipeline(stages: [TestStage(name: "first", log: StageLog())], tasks: [task])
    }

    func waiting(_ catalog: CatalogDatabase, key: String) async throws -> Int {
        let rows = try await catalog.client.query(
            "SELECT count(*)::int FROM jobs WHERE task_key = \(key) AND state IN ('queued', 'processing')",
            logger: TestCluster.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// A task waiting for its time is scheduled, not backlog: `/metrics` counts it as queued only
    /// once it is due, so a periodic task never makes an idle queue look busy.
    @Test func aTaskWaitingForItsTimeIsNotCountedAsQueued() async throws {
        try await withCatalog { catalog, _ in
            try await catalog.jobs.enqueue(
                TaskRequest(kind: "later", key: "later:1", timing: .after(.seconds(3_600))), actor: "test")
            #expect(try await catalog.jobs.countsByState()[.queued] == nil)
            try await catalog.jobs.enqueue(TaskRequest(kind: "now", key: "now:1"), actor: "test")
            #expect(try await catalog.jobs.countsByState()[.queued] == 1)
        }
    }

    @Test func fiftyConcurrentRequestsForOneKeyCreateOneTask() async throws {
        try await withCatalog { catalog, _ in
            let created = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        try await catalog.jobs.enqueue(
                            TaskRequest(
                                kind: "count-pass", key: "count-pass:alice", payload: ["n": .number(Double(index))]),
                            actor: "test")
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(created.filter { $0 }.count == 1)
            #expect(try await waiting(catalog, key: "count-pass:alice") == 1)
            let events = try await catalog.lineage.events(for: .other(.task, key: "count-pass:alice"), limit: 100)
            #expect(events.map(\.action) == ["task.count-pass.queued"])
        }
    }

    func runAfter(_ catalog: CatalogDatabase, key: String) async throws -> Date? {
        let rows = try await catalog.client.query(
            "SELECT run_after FROM jobs WHERE task_key = \(key) AND state = 'queued'", logger: TestCluster.logger)
        for try await value in rows.decode(Date.self) { return value }
        return nil
    }

    @Test func aDebouncedTaskRunsOnceAfterTheLastRequest() async throws {
        try await withCatalog { catalog, _ in
            let runs = Runs()
            let quiet = Duration.milliseconds(800)
            // Each request of the burst moves the one waiting run to 800 ms after itself.
            var moves: [Date] = []
            for index in 0..<5 {
                try await catalog.jobs.enqueue(
                    TaskRequest(
                        kind: "count-pass", key: "count-pass:burst", payload: ["image": .number(Double(index))],
                        timing: .debounced(quiet)), actor: "test")
                moves.append(try #require(try await runAfter(catalog, key: "count-pass:burst")))
            }
            #expect(zip(moves, moves.dropFirst()).allSatisfy { $0 < $1 })
            let due = try #require(moves.last)
            try await withWorkers(catalog, Self.pipeline(CountingTask(runs: runs))) {
                try await eventually("the debounced task to run") { runs.total == 1 }
                try await eventually("the task to be finished") {
                    try await waiting(catalog, key: "count-pass:burst") == 0
                }
            }
            #expect(runs.total == 1)
            let events = try await catalog.lineage.events(for: .other(.task, key: "count-pass:burst"), limit: 100)
            #expect(events.map(\.action) == ["task.count-pass.queued", "task.count-pass.done"])
            // It ran when it was due (by the database's clock), not before, on the latest payload.
            let done = try #require(events.last)
            #expect(done.at >= due)
            #expect(done.detail["payload"] == ["image": 4])
        }
    }

    @Test func twoWorkerPoolsNeverRunTheSameTaskAtOnce() async throws {
        try await withCatalog { catalog, database in
            let runs = Runs()
            let task = CountingTask(runs: runs, work: .milliseconds(150))
            // A second pool on its own connection pool, as a second `afa worker` process would be.
            let otherClient = PostgresClient(
                configuration: database.clientConfiguration, backgroundLogger: TestCluster.logger)
            let other = CatalogDatabase(client: otherClient, logger: TestCluster.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await otherClient.run() }
                defer { group.cancelAll() }
                try await withWorkers(catalog, Self.pipeline(task), concurrency: 4) {
                    try await withWorkers(other, Self.pipeline(task), concurrency: 4) {
                        // Requests keep arriving while a run is in progress: each waits its turn.
                        for _ in 0..<12 {
                            try await catalog.jobs.enqueue(
                                TaskRequest(kind: "count-pass", key: "count-pass:shared"), actor: "test")
                            try await eventually("a run to start") { runs.total > 0 }
                        }
                        try await eventually("every request to be served") {
                            try await waiting(catalog, key: "count-pass:shared") == 0
                        }
                    }
                }
            }
            #expect(runs.total >= 2)
            #expect(runs.mostAtOnce == 1)
        }
    }

    @Test func aPeriodicTaskSchedulesItsNextRunAndFailuresAreRetriedWithLineage() async throws {
        try await withCatalog { catalog, _ in
            let runs = Runs()
            let task = CountingTask(
                runs: runs, schedule: PeriodicSchedule(key: "count-pass:every", every: .milliseconds(200)), failures: 1)
            try await withWorkers(catalog, Self.pipeline(task)) {
                try await eventually("three runs, the first of them failed") { runs.total >= 3 }
            }
            let events = try await catalog.lineage.events(for: .other(.task, key: "count-pass:every"), limit: 100)
            #expect(events.filter { $0.action == "task.count-pass.done" }.count >= 1)
            #expect(try await catalog.lineageVerifier.verify().intact)
            // The failed attempt was retried on the same row, which now waits for its next period.
            #expect(try await waiting(catalog, key: "count-pass:every") == 1)
        }
    }
}
