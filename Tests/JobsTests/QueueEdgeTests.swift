import Catalog
import Foundation
import Jobs
import PostgresNIO
import Synchronization
import Testing

@testable import TestSupport

/// The queue where its paths cross: a task failing while a newer request for its key waits, a
/// job in flight when its worker is cancelled, a periodic task whose run died, two versions
/// bumped at once, and a new stage that does not apply to some kinds.
@Suite struct QueueEdgeTests {
    /// Fails its first run once the test lets it go on; later runs succeed.
    struct FlakyTask: TaskHandler {
        let kind = "flaky"
        let state: FlakyState

        func run(key: String, payload: JSONValue) async throws -> JSONValue {
            let run = state.runs.withLock {
                $0 += 1
                return $0
            }
            if run == 1 {
                await state.gate.pass()
                throw Hiccup()
            }
            return ["run": .number(Double(run))]
        }
    }

    final class FlakyState: Sendable {
        let gate = Gate()
        let runs = Mutex<Int>(0)
    }

    /// Waits a minute unless cancelled; tells the test when it has started.
    struct Sleeper: ProcessingStage {
        let name = "slow"
        let started: Gate

        func process(_ asset: AssetRecord) async throws -> StageOutput {
            Task { await started.pass() }
            try await Task.sleep(for: .seconds(60))
            return StageOutput()
        }
    }

    struct Hiccup: Error {}

    func rows(_ catalog: CatalogDatabase, _ query: PostgresQuery) async throws -> Int {
        for try await value in try await catalog.client.query(query, logger: TestCluster.logger).decode(Int.self) {
            return value
        }
        return 0
    }

    @Test func aTaskFailingWhileANewerRequestWaitsGivesWayToIt() async throws {
        try await withCatalog { catalog, _ in
            let state = FlakyState()
            let task = FlakyTask(state: state)
            let pipeline = Pipeline(stages: [TestStage(name: "first", log: StageLog())], tasks: [task])
            try await withWorkers(catalog, pipeline) {
                try await catalog.jobs.enqueue(TaskRequest(kind: "flaky", key: "flaky:one"), actor: "test")
                try await eventually("the first run to start") { state.gate.arrived == 1 }
                try await catalog.jobs.enqueue(
                    TaskRequest(kind: "flaky", key: "flaky:one", payload: ["newer": true]), actor: "test")
                state.gate.open()
                try await eventually("the newer request to be served") {
                    try await rows(catalog, "SELECT count(*)::int FROM jobs WHERE task_key = 'flaky:one'") == 0
                }
            }
            // The newer request waited beside the running one; the failed run gave way to it
            // instead of queueing a second time, and it succeeded.
            let events = try await catalog.lineage.events(for: .other(.task, key: "flaky:one"), limit: 100)
            #expect(events.map(\.action) == ["task.flaky.queued", "task.flaky.queued", "task.flaky.done"])
            #expect(events.last?.detail["run"] == 2)
        }
    }

    @Test func aJobInFlightWhenItsWorkerIsCancelledGoesBackToTheQueueAtOnce() async throws {
        try await withCatalog { catalog, _ in
            let gate = Gate()
            let ids = try await recordAssets(
                1, kind: .json, in: catalog, root: StageReference(name: "slow", version: "1"))
            try await withWorkers(catalog, Pipeline(stages: [Sleeper(started: gate)])) {
                try await eventually("the stage to start") { gate.arrived == 1 }
            }
            gate.open()
            let jobs = try await catalog.jobs.list(state: .queued, limit: 10)
            #expect(jobs.map(\.assetID) == ids)
            #expect(jobs.first?.attempts == 0)
        }
    }

    struct AlwaysFails: TaskHandler {
        let kind = "doomed"
        var schedule: PeriodicSchedule? { PeriodicSchedule(key: "doomed:all", every: .milliseconds(100)) }
        func run(key: String, payload: JSONValue) async throws -> JSONValue {
            throw UnprocessableContent("nothing to do")
        }
    }

    @Test func aPeriodicTaskWhoseRunDiedIsScheduledAgain() async throws {
        try await withCatalog { catalog, _ in
            let pipeline = Pipeline(stages: [TestStage(name: "first", log: StageLog())], tasks: [AlwaysFails()])
            try await withWorkers(catalog, pipeline, configure: { $0.lease = .seconds(2) }) {
                try await eventually("a run to fail") {
                    try await rows(
                        catalog, "SELECT count(*)::int FROM jobs WHERE task_key = 'doomed:all' AND state = 'failed'")
                        >= 1
                }
                try await eventually("another run to be scheduled and fail in its turn") {
                    try await rows(
                        catalog, "SELECT count(*)::int FROM jobs WHERE task_key = 'doomed:all' AND state = 'failed'")
                        >= 2
                }
            }
        }
    }

    @Test func twoVersionsBumpedAtOnceRunTheDependantOnceOnTheNewResult() async throws {
        try await withCatalog { catalog, _ in
            let before = StageLog()
            let ids = try await recordAssets(
                3, kind: .image, in: catalog, root: StageReference(name: "first", version: "1"))
            func graph(_ log: StageLog, _ version: String) -> Pipeline {
                Pipeline(stages: [
                    TestStage(name: "first", log: log),
                    TestStage(name: "left", version: version, requires: ["first"], log: log),
                    TestStage(name: "last", version: version, requires: ["left"], log: log),
                ])
            }
            try await withWorkers(catalog, graph(before, "1")) {
                try await eventually("version 1 everywhere") {
                    try await rows(catalog, "SELECT count(*)::int FROM assets WHERE status = 'ready'") == 3
                }
            }
            let after = StageLog()
            try await withWorkers(catalog, graph(after, "2")) {
                try await eventually("last@2 for every asset") {
                    ids.allSatisfy { after.runs(of: "last", for: $0).count == 1 }
                }
                try await eventually("version 2 everywhere") {
                    try await rows(catalog, "SELECT count(*)::int FROM jobs WHERE version = '2'") == 6
                }
            }
            for id in ids {
                #expect(after.runs(of: "left", for: id).count == 1)
                #expect(after.runs(of: "last", for: id).count == 1)
                #expect(after.runs(of: "left", for: id)[0].order < after.runs(of: "last", for: id)[0].order)
            }
        }
    }

    /// A stage added to the graph that is not for documents gets no row for them, and the stage
    /// added after it still runs for them: it requires what `pixels` requires.
    @Test func aNewStageNotForTheKindIsLookedThroughSoItsDependantsRun() async throws {
        try await withCatalog { catalog, _ in
            let log = StageLog()
            let ids = try await recordAssets(
                2, kind: .json, in: catalog, root: StageReference(name: "first", version: "1"))
            try await withWorkers(catalog, Pipeline(stages: [TestStage(name: "first", log: log)])) {
                try await eventually("ready") {
                    try await rows(catalog, "SELECT count(*)::int FROM assets WHERE status = 'ready'") == 2
                }
            }
            let grown = Pipeline(stages: [
                TestStage(name: "first", log: log),
                TestStage(name: "pixels", requires: ["first"], skippedKinds: [.json], log: log),
                TestStage(name: "after", requires: ["pixels"], log: log),
            ])
            try await withWorkers(catalog, grown) {
                try await eventually("the dependant to run for both documents") {
                    ids.allSatisfy { !log.runs(of: "after", for: $0).isEmpty }
                }
            }
            #expect(ids.allSatisfy { log.runs(of: "pixels", for: $0).isEmpty })
            #expect(try await rows(catalog, "SELECT count(*)::int FROM jobs WHERE stage = 'pixels'") == 0)
        }
    }
}
