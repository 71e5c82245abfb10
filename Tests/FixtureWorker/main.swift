import App
import Catalog
import Foundation
import Jobs
import Logging
import PostgresNIO
import Runtime
import ServiceLifecycle

// `afa worker` with a fixture pipeline, for the tests and benchmarks that need real worker
// processes (killed with SIGKILL mid-way, or several sharing one queue):
//
//     afa-fixture-worker diamond|noop|tasks
//
// Configured like `afa worker` (DATABASE_URL, WORKER_THREADS, JOB_LEASE_SECONDS, JOB_POLL_MS),
// plus FIXTURE_STAGE_MS, the time each stage or task spends working.

/// A stage that works for a while and records that it ran.
struct FixtureStage: ProcessingStage {
    let name: String
    var requires: [String] = []
    let work: Duration

    func process(_ asset: AssetRecord) async throws -> StageOutput {
        if work > .zero { try await Task.sleep(for: work) }
        return StageOutput(metadata: ["\(name)_ran": true])
    }
}

/// A task that notes when each run started and ended, in the database, so a test can check that
/// runs of one key never overlapped, whichever process ran them.
struct ExclusiveTask: TaskHandler {
    let kind = "exclusive"
    let catalog: CatalogDatabase
    let work: Duration

    func run(key: String, payload: JSONValue) async throws -> JSONValue {
        let worker = "\(getpid())"
        let rows = try await catalog.client.query(
            "INSERT INTO fixture_task_runs (key, worker) VALUES (\(key), \(worker)) RETURNING id",
            logger: catalog.logger)
        var id = 0
        for try await value in rows.decode(Int.self) { id = value }
        try await Task.sleep(for: work)
        try await catalog.client.query(
            "UPDATE fixture_task_runs SET ended_at = clock_timestamp() WHERE id = \(id)", logger: catalog.logger)
        return ["worker": .string(worker)]
    }
}

func pipeline(_ name: String, catalog: CatalogDatabase, work: Duration) async throws -> Pipeline {
    switch name {
    case "diamond":
        return Pipeline(stages: [
            FixtureStage(name: "first", work: work),
            FixtureStage(name: "left", requires: ["first"], work: work),
            FixtureStage(name: "right", requires: ["first"], work: work),
            FixtureStage(name: "last", requires: ["left", "right"], work: work),
        ])
    case "noop":
        return Pipeline(stages: [FixtureStage(name: "noop", work: work)])
    case "tasks":
        // Made by the test before two workers start; here for a worker run by hand.
        try await catalog.client.query(
            """
            CREATE TABLE IF NOT EXISTS fixture_task_runs (
                id serial PRIMARY KEY, key text NOT NULL, worker text NOT NULL,
                started_at timestamptz NOT NULL DEFAULT clock_timestamp(), ended_at timestamptz)
            """, logger: catalog.logger)
        return Pipeline(
            stages: [FixtureStage(name: "noop", work: .zero)],
            tasks: [ExclusiveTask(catalog: catalog, work: work)])
    default:
        throw FixtureUsage()
    }
}

struct FixtureUsage: Error, CustomStringConvertible {
    var description: String { "usage: afa-fixture-worker diamond|noop|tasks" }
}

let environment = ProcessInfo.processInfo.environment
let configuration = try AppConfiguration(environment: environment)
let logger = {
    var logger = Logger(label: "afa-fixture-worker")
    logger.logLevel = .warning
    return logger
}()
let work = Duration.milliseconds(Int(environment["FIXTURE_STAGE_MS"] ?? "") ?? 0)
let name = CommandLine.arguments.dropFirst().first ?? ""
try await Runtime.withCatalog(configuration, logger: logger) { catalog, _ in
    let workers = WorkerPool(
        catalog: catalog, pipeline: try await pipeline(name, catalog: catalog, work: work),
        configuration: configuration.workers, logger: logger)
    let group = ServiceGroup(
        configuration: .init(
            services: [.init(service: workers)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    // Straight to the descriptor: stdout to a file is buffered, and tests wait for this line.
    FileHandle.standardError.write(Data("fixture worker ready: \(name)\n".utf8))
    try await group.run()
}
